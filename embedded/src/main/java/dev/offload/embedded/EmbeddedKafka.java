package dev.offload.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
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
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final String PORTS_FILE = "offload-ports.properties";

  private final Path dataDir;
  private final int port;
  private final KafkaRaftServer server;

  private EmbeddedKafka(Path dataDir, int port, KafkaRaftServer server) {
    this.dataDir = dataDir;
    this.port = port;
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
    try {
      Files.createDirectories(dataDir);
      Properties ports = loadPorts(dataDir);
      int clientPort = port != 0 ? port : intOr(ports, "client", Ports.freePort());
      int controllerPort = intOr(ports, "controller", Ports.freePort());
      Ports.requireFree("127.0.0.1", clientPort, "Kafka client port");
      Ports.requireFree("127.0.0.1", controllerPort, "Kafka controller port");
      ports.setProperty("client", Integer.toString(clientPort));
      ports.setProperty("controller", Integer.toString(controllerPort));
      storePorts(dataDir, ports);

      Properties props = brokerProperties(dataDir.resolve("log"), clientPort, controllerPort);
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
      return new EmbeddedKafka(dataDir, clientPort, server);
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
    p.setProperty("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
    return p;
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
    String clusterId = Uuid.randomUuid().toString();
    PrintStream sink =
        new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    int exit =
        StorageTool.execute(
            new String[] {"format", "-t", clusterId, "-c", config.toString()}, sink);
    if (exit != 0) {
      throw new IllegalStateException("formatting Kafka storage in " + logDir + " failed: " + exit);
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
