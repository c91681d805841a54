package dev.offload.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker in KRaft mode (combined broker and controller), run in-process
 * from the Kafka jars.
 *
 * <p>Data lives under one directory; starting again on that directory resumes the same cluster with
 * the same ports (the controller's port is part of the stored quorum). The replication settings of
 * the internal topics are set for one node, so transactions and Kafka Streams' exactly-once
 * processing work on it.
 *
 * <p>Optionally ({@link #startWithScram}) the broker opens a second client listener, {@code
 * SASL_PLAINTEXT} with the {@value #SCRAM_MECHANISM} users given, beside the default {@code
 * PLAINTEXT} one, so tests can check authenticated clients against a real broker.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final String PORTS_FILE = "offload-ports.properties";

  /** The SASL mechanism of the optional authenticated listener. */
  public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

  private static final String SASL_LISTENER = "SASL_PLAINTEXT";

  private final Path dataDir;
  private final int port;
  private final int saslPort;
  private final KafkaRaftServer server;

  private EmbeddedKafka(Path dataDir, int port, int saslPort, KafkaRaftServer server) {
    this.dataDir = dataDir;
    this.port = port;
    this.saslPort = saslPort;
    this.server = server;
  }

  /**
   * Starts a broker with its data under {@code dataDir}.
   *
   * @param port the client port on 127.0.0.1; 0 picks a free one (or the one used before on this
   *     data directory)
   * @param overrides broker properties that replace the defaults
   * @throws Ports.PortInUseException when the requested port is taken
   */
  public static EmbeddedKafka start(Path dataDir, int port, Map<String, String> overrides) {
    return start(dataDir, port, overrides, Map.of());
  }

  /**
   * Starts a broker that also listens for {@code SASL_PLAINTEXT} clients authenticating with
   * {@value #SCRAM_MECHANISM} as one of {@code scramUsers} (user name to password), on a free port
   * ({@link #saslBootstrapServers()}). The {@code PLAINTEXT} listener stays, unauthenticated, and
   * there is no authorizer: the listener tests authentication, not ACLs. Returns once the users'
   * credentials are in force.
   */
  public static EmbeddedKafka startWithScram(
      Path dataDir, Map<String, String> overrides, Map<String, String> scramUsers) {
    if (scramUsers.isEmpty()) {
      throw new IllegalArgumentException("scramUsers: at least one user is needed");
    }
    return start(dataDir, 0, overrides, scramUsers);
  }

  private static EmbeddedKafka start(
      Path dataDir, int port, Map<String, String> overrides, Map<String, String> scramUsers) {
    try {
      Files.createDirectories(dataDir);
      Properties ports = loadPorts(dataDir);
      int clientPort = port != 0 ? port : intOr(ports, "client", Ports.freePort());
      int controllerPort = intOr(ports, "controller", Ports.freePort());
      Ports.requireFree("127.0.0.1", clientPort, "Kafka client port");
      Ports.requireFree("127.0.0.1", controllerPort, "Kafka controller port");
      ports.setProperty("client", Integer.toString(clientPort));
      ports.setProperty("controller", Integer.toString(controllerPort));
      int saslPort = -1;
      if (!scramUsers.isEmpty()) {
        saslPort = intOr(ports, "sasl", Ports.freePort());
        Ports.requireFree("127.0.0.1", saslPort, "Kafka SASL port");
        ports.setProperty("sasl", Integer.toString(saslPort));
      }
      storePorts(dataDir, ports);

      Properties props = brokerProperties(dataDir.resolve("log"), clientPort, controllerPort);
      if (saslPort > 0) {
        addScramListener(props, saslPort);
      }
      overrides.forEach(props::setProperty);
      formatIfNeeded(dataDir, props);
      long started = System.nanoTime();
      KafkaRaftServer server =
          new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
      server.startup();
      log.info(
          "Kafka broker (KRaft) ready on 127.0.0.1:{} in {} ms, data in {}",
          clientPort,
          (System.nanoTime() - started) / 1_000_000,
          dataDir);
      EmbeddedKafka kafka = new EmbeddedKafka(dataDir, clientPort, saslPort, server);
      if (!scramUsers.isEmpty()) {
        kafka.upsertScramUsers(scramUsers);
      }
      return kafka;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare Kafka data directory " + dataDir, e);
    }
  }

  /** Starts a broker on a free port with the default settings. */
  public static EmbeddedKafka start(Path dataDir) {
    return start(dataDir, 0, Map.of());
  }

  /** The {@code bootstrap.servers} value clients use. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /**
   * The {@code bootstrap.servers} of the {@code SASL_PLAINTEXT} listener.
   *
   * @throws IllegalStateException when the broker was started without it
   */
  public String saslBootstrapServers() {
    if (saslPort < 0) {
      throw new IllegalStateException("this broker has no SASL listener; use startWithScram");
    }
    return "127.0.0.1:" + saslPort;
  }

  /** The client port. */
  public int port() {
    return port;
  }

  /** The directory that holds the broker's data. */
  public Path dataDir() {
    return dataDir;
  }

  /** Stops the broker and waits until it has shut down; the data stays. */
  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
    log.info("Kafka broker on 127.0.0.1:{} stopped", port);
  }

  static Properties brokerProperties(Path logDir, int clientPort, int controllerPort) {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.setProperty(
        "listeners",
        "PLAINTEXT://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPort);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("log.dirs", logDir.toString());
    p.setProperty("num.partitions", "3");
    p.setProperty("default.replication.factor", "1");
    p.setProperty("auto.create.topics.enable", "true");
    // One node: every internal topic must live with a single replica.
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("offsets.topic.num.partitions", "10");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("transaction.state.log.num.partitions", "10");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    // A transaction left open by a producer that died (a router killed mid-transaction) holds
    // every read-committed reader of its partitions until the broker aborts it: after the
    // transaction's timeout, at the next check, every 10 s by default. Checked every second here.
    p.setProperty("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
    // Under transactions v2 a transaction's first send adds its partition on the broker, which
    // answers CONCURRENT_TRANSACTIONS while the previous transaction's markers are still being
    // written. The broker retries that itself for 100 ms by default; past it the producer retries
    // with a backoff growing to a second, and the sends behind the first fail out of sequence.
    // Markers held up by a busy machine or a node away take longer than 100 ms, so the broker
    // waits for them up to 5 s (below the 30 s request timeout) instead.
    p.setProperty("add.partitions.to.txn.retry.backoff.max.ms", "5000");
    // The log cleaner allocates its whole deduplication buffer as it starts (128 MB by default,
    // half a second of every start); the compacted topics of one embedded broker need far less.
    p.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
    p.setProperty("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
    return p;
  }

  private static void addScramListener(Properties p, int saslPort) {
    String listener = SASL_LISTENER + "://127.0.0.1:" + saslPort;
    p.setProperty("listeners", p.getProperty("listeners") + "," + listener);
    p.setProperty("advertised.listeners", p.getProperty("advertised.listeners") + "," + listener);
    p.setProperty(
        "listener.security.protocol.map",
        p.getProperty("listener.security.protocol.map") + ",SASL_PLAINTEXT:SASL_PLAINTEXT");
    p.setProperty("sasl.enabled.mechanisms", SCRAM_MECHANISM);
    p.setProperty(
        "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
  }

  /**
   * Stores the users' SCRAM credentials through the unauthenticated listener, then waits until the
   * broker answers with them: credentials travel as metadata records from the controller.
   */
  private void upsertScramUsers(Map<String, String> users) {
    Map<String, Object> config =
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    try (Admin admin = Admin.create(config)) {
      List<UserScramCredentialAlteration> upserts =
          users.entrySet().stream()
              .<UserScramCredentialAlteration>map(
                  u ->
                      new UserScramCredentialUpsertion(
                          u.getKey(),
                          new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096),
                          u.getValue()))
              .toList();
      admin.alterUserScramCredentials(upserts).all().get(30, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      // Described without names: naming a user not there yet fails the whole request.
      while (!admin
          .describeUserScramCredentials()
          .all()
          .get(30, TimeUnit.SECONDS)
          .keySet()
          .containsAll(users.keySet())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("SCRAM users did not appear within 30 s");
        }
        Thread.sleep(50);
      }
      log.info("SCRAM users {} ready on {}", users.keySet(), saslBootstrapServers());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating SCRAM users", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create SCRAM users " + users.keySet() + ": " + e, e);
    }
  }

  private static void formatIfNeeded(Path dataDir, Properties props) throws IOException {
    Path logDir = Path.of(props.getProperty("log.dirs"));
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return;
    }
    Path config = dataDir.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(config)) {
      props.store(out, "Offload embedded Kafka broker");
    }
    formatStorage(config, Uuid.randomUuid().toString());
  }

  /**
   * Formats the log directory that the broker properties file {@code config} names as a node of
   * cluster {@code clusterId}; a broker started on a formatted directory joins that cluster.
   */
  public static void formatStorage(Path config, String clusterId) {
    PrintStream sink =
        new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    int exit =
        StorageTool.execute(
            new String[] {"format", "-t", clusterId, "-c", config.toString()}, sink);
    if (exit != 0) {
      throw new IllegalStateException(
          "formatting Kafka storage with " + config + " failed: " + exit);
    }
  }

  private static Properties loadPorts(Path dataDir) throws IOException {
    Properties ports = new Properties();
    Path file = dataDir.resolve(PORTS_FILE);
    if (Files.exists(file)) {
      try (var in = Files.newInputStream(file)) {
        ports.load(in);
      }
    }
    return ports;
  }

  private static void storePorts(Path dataDir, Properties ports) throws IOException {
    try (OutputStream out = Files.newOutputStream(dataDir.resolve(PORTS_FILE))) {
      ports.store(out, "ports of this broker; the controller port is part of its stored quorum");
    }
  }

  private static int intOr(Properties p, String key, int fallback) {
    String v = p.getProperty(key);
    return v == null ? fallback : Integer.parseInt(v);
  }
}
