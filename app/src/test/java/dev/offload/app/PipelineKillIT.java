package dev.offload.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.embedded.EmbeddedPostgres;
import dev.offload.embedded.EmbeddedSmtp;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.Ports;
import dev.offload.embedded.junit.ChildKafka;
import dev.offload.embedded.junit.ChildKafkaCluster;
import dev.offload.embedded.junit.Children;
import dev.offload.embedded.junit.Ledger;
import dev.offload.embedded.junit.ProxiedKafka;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.SmallDisk;
import dev.offload.embedded.junit.TestNames;
import dev.offload.embedded.registry.RegistryServerConfig;
import dev.offload.embedded.registry.SchemaRegistryServer;
import dev.offload.schemas.Topics;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The whole pipeline as separate processes — {@code offload api}, {@code offload connector}, {@code
 * offload streams run router}, {@code offload worker --handler email} and Kafka brokers of their
 * own — under steady load over HTTP from clients that send every sign-up under an {@code
 * Idempotency-Key} and retry it until answered {@code 202}. Each role's process is killed with
 * SIGKILL in turn and started again at once, while the load goes on; then a Kafka node is killed
 * with SIGKILL, kept away for 10 s and started again on its data: the node that leads the events
 * topic of a three-node cluster (replication 3, two in sync required), or, behind the soak flag, a
 * single broker. A third run, in message mode, takes other parts away in turn: the disk under the
 * connector's offsets file, the schema registry, a worker (frozen), Kafka (its network frozen), the
 * connector's network to PostgreSQL, and PostgreSQL itself. Judged by the {@link Ledger}: every
 * event answered 202 is on its events topic (duplicates allowed there: the connector delivers at
 * least once), on the email work topic exactly once and in key order (the router deduplicates under
 * exactly-once), and has its mail — a repeat only of a send a kill or a freeze caught in flight,
 * with the same Message-ID.
 */
@ExtendWith(SharedInfrastructure.class)
class PipelineKillIT {
  private static final Logger log = LoggerFactory.getLogger(PipelineKillIT.class);
  private static final int CLIENTS = 4;

  /** Keys each client sends under, in turn: 16 in all, spread over the work topic's partitions. */
  private static final int KEYS_PER_CLIENT = 4;

  private static final int BETWEEN_FAULTS = 50;
  private static final int EMAIL_CONCURRENCY = 16;
  private static final Duration PATIENCE = Duration.ofSeconds(120);
  private static final Duration BROKER_AWAY = Duration.ofSeconds(10);

  /** {@code -Doffload.soak=true}: the single-broker run, and the longer outages of the third. */
  private static final boolean SOAK = Boolean.getBoolean("offload.soak");

  private static final Duration REGISTRY_AWAY = Duration.ofSeconds(SOAK ? 30 : 10);
  private static final Duration POSTGRES_AWAY = Duration.ofSeconds(10);
  private static final Duration DISK_FULL = Duration.ofSeconds(10);

  /** Longer than the database's {@code wal_sender_timeout} (5 s here), which closes the stream. */
  private static final Duration NETWORK_FROZEN = Duration.ofSeconds(SOAK ? 30 : 10);

  /** Past the roles' 6 s sessions and the router's 10 s transactions. */
  private static final Duration KAFKA_FROZEN = Duration.ofSeconds(SOAK ? 30 : 12);

  /** Past the workers' 6 s session, so the other worker takes the frozen one's partitions. */
  private static final Duration FROZEN = Duration.ofSeconds(10);

  /**
   * Each client's pause between events: about 30 events a second in all, which the email worker
   * keeps up with, so that a backlog a fault builds drains while the load goes on.
   */
  private static final Duration PACE = Duration.ofMillis(100);

  private static final String SIGNUPS = Topics.events("user-signed-up");
  private static final String WORK = Topics.work("email");

  @TempDir Path dir;

  /** Where the role processes of a run write their output: target/it-logs, one folder a run. */
  private Path logs;

  /** The ops role of a run: the spans of the others go to it. */
  private Role ops;

  /** The connector's offsets file, when a test puts it somewhere else than {@link #dir}. */
  private Path connectorOffsets;

  /** A role's process, started again on the same command and environment. */
  private final class Role {
    final String name;
    final List<String> args;
    final Map<String, String> env;
    Process process;
    Path log;
    int starts;

    Role(String name, Map<String, String> env, String... args) {
      this.name = name;
      this.env = env;
      this.args = List.of(args);
    }

    void start() throws Exception {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx384m");
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(Offload.class.getName());
      command.addAll(args);
      ProcessBuilder pb = new ProcessBuilder(command);
      pb.environment().putAll(env);
      log = Files.createDirectories(logs).resolve(name + "-" + ++starts + ".log");
      process = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    void kill() throws Exception {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    void stop() throws Exception {
      if (process != null && process.isAlive()) {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    }
  }

  /**
   * On a three-node cluster (replication 3, two in sync required): each role killed in turn, then
   * the node that leads the events topic, kept away 10 s while the other two carry on.
   */
  @Test
  void everyAcceptedSignupHasItsMailOnceWhileEachProcessAndANodeOfAThreeNodeClusterAreKilled(
      Infrastructure infra) throws Exception {
    try (ChildKafkaCluster cluster = ChildKafkaCluster.start(dir.resolve("cluster"), 3)) {
      try {
        run(
            Db.shared(infra, "pipeline_cluster"),
            "table",
            cluster.bootstrapServers(),
            1,
            pipeline -> {
              pipeline.killEachRoleInTurn();
              pipeline.awaitMoreAccepted();
              // The node that leads the events topic: the connector's sends fail over to another.
              int node = leaderOf(cluster.bootstrapServers(), SIGNUPS) - 1;
              int acceptedWhileAway =
                  pipeline.awayAndBack(
                      "Kafka node " + (node + 1) + " of 3, the events topic's leader",
                      BROKER_AWAY,
                      () -> cluster.kill(node),
                      () -> cluster.restart(node));
              assertThat(acceptedWhileAway)
                  .as("the API keeps accepting into the outbox while a Kafka node is away")
                  .isPositive();
            });
      } finally {
        cluster.copyLogsTo(logs);
      }
    }
  }

  /**
   * Behind {@code -Doffload.soak=true}, the same on a single broker, whose kill leaves the roles
   * with no Kafka at all for 10 s: each role killed in turn, then the broker, and the email worker
   * deployed again while it is away (a worker deployed without Kafka waits for it). The connector's
   * and the worker's own broker-kill tests cover the single broker in every run.
   */
  @Test
  @EnabledIfSystemProperty(named = "offload.soak", matches = "true")
  void everyAcceptedSignupHasItsMailOnceWhileEachProcessAndTheSingleBrokerAreKilledInTurn(
      Infrastructure infra) throws Exception {
    int kafkaPort = Ports.freePort();
    Path kafkaDir = dir.resolve("kafka");
    // A broker of its own: the roles use their default topic and group names.
    AtomicReference<Process> broker = new AtomicReference<>(ChildKafka.start(kafkaDir, kafkaPort));
    try {
      run(
          Db.shared(infra, "pipeline_kill"),
          "table",
          "127.0.0.1:" + kafkaPort,
          1,
          pipeline -> {
            pipeline.killEachRoleInTurn();
            // Then the broker: killed, kept away while the load goes on, started again on its
            // data. The API keeps accepting into the outbox; the other roles resume by themselves.
            pipeline.awaitMoreAccepted();
            Role worker = pipeline.roles.get(pipeline.roles.size() - 1);
            int acceptedWhileAway =
                pipeline.awayAndBack(
                    "the single Kafka broker",
                    BROKER_AWAY,
                    () -> {
                      broker.get().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                      // A worker deployed while Kafka is away waits for it rather than exiting.
                      worker.kill();
                      worker.start();
                    },
                    () -> broker.set(ChildKafka.start(kafkaDir, kafkaPort)));
            assertThat(acceptedWhileAway)
                .as("the API keeps accepting into the outbox while Kafka is away")
                .isPositive();
          });
    } finally {
      broker.get().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      Path log = kafkaDir.resolve(ChildKafka.LOG_FILE);
      if (Files.exists(log)) {
        Files.copy(log, logs.resolve("kafka.log"), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /**
   * On a broker and a PostgreSQL server of its own, the API writing its outbox as logical decoding
   * messages, with two email workers in one group, under the same load, one fault after another:
   *
   * <ol>
   *   <li>in the soak run only, the connector killed with SIGKILL and started again;
   *   <li>the disk under the connector's offsets file full for 10 s (a 64 kB tmpfs, where the
   *       machine lets the test mount one): it delivers on, saying which file it cannot write;
   *   <li>the schema registry stopped for 10 s (30 s in the soak run): records wait for it instead
   *       of being dead-lettered;
   *   <li>one worker frozen with SIGSTOP for 10 s, past its 6 s session, so the other takes its
   *       partitions, then thawed: it is fenced and rejoins;
   *   <li>Kafka unreachable for 12 s (30 s in the soak run): the network between it and every role
   *       frozen, past the roles' sessions and the router's transactions; the API accepts on into
   *       the outbox, and every role carries on by itself;
   *   <li>the network between the connector and PostgreSQL frozen for 10 s (30 s in the soak run; a
   *       TCP proxy passing no bytes, longer than the database's {@code wal_sender_timeout}): the
   *       connector reconnects by itself;
   *   <li>PostgreSQL stopped the hard way (immediate shutdown, every connection cut) for 10 s, then
   *       started again on its data: the API answers 503 meanwhile.
   * </ol>
   */
  @Test
  void everyAcceptedSignupHasItsMailOnceThroughConnectorRegistryWorkerNetworkAndDatabaseFaults()
      throws Exception {
    Path pgDir = dir.resolve("postgres");
    AtomicReference<EmbeddedPostgres> postgres =
        new AtomicReference<>(EmbeddedPostgres.start(pgDir, 0));
    int pgPort = postgres.get().port();
    String database = TestNames.database("pipeline_faults");
    postgres.get().createDatabaseIfAbsent(database);
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + pgPort + "/" + database,
                EmbeddedPostgres.USER,
                "");
        Statement s = c.createStatement()) {
      // The server gives up on a silent replication connection after this (60 s by default).
      s.execute("ALTER DATABASE " + database + " SET wal_sender_timeout = '5s'");
    }
    // The connector's offsets file on a small disk of its own, which a fault fills (where this
    // machine lets a test mount one: it needs root).
    Path disk = Files.createDirectories(dir.resolve("disk"));
    String noSmallDisk = SmallDisk.tryMount(disk, "64k", "the connector's offsets file");
    if (noSmallDisk == null) {
      connectorOffsets = disk.resolve("connector.offsets");
    } else {
      log.warn("The disk-full fault is left out: {}", noSmallDisk);
    }
    // A broker of its own, which every role reaches through a proxy the test can freeze: the roles
    // use their default topic and group names.
    try (ProxiedKafka kafka = ProxiedKafka.start(dir.resolve("kafka"));
        NioReactor reactor = new NioReactor();
        TcpCrusher proxy =
            TcpCrusherBuilder.builder()
                .withReactor(reactor)
                .withBindAddress("127.0.0.1", Ports.freePort())
                .withConnectAddress("127.0.0.1", pgPort)
                .buildAndOpen()) {
      // The connector reaches the database through the proxy; the API and the workers directly.
      Db db =
          new Db(
              postgres.get().host(),
              pgPort,
              EmbeddedPostgres.USER,
              "",
              database,
              proxy.getBindAddress().getPort());
      run(
          db,
          "message",
          kafka.bootstrapServers(),
          2,
          pipeline -> {
            Role connector = pipeline.roles.get(1);
            if (SOAK) {
              pipeline.awaitMoreAccepted();
              pipeline.awayAndBack(
                  "the connector (message mode), killed with SIGKILL",
                  Duration.ZERO,
                  connector::kill,
                  connector::start);
            }

            if (noSmallDisk == null) {
              pipeline.awaitMoreAccepted();
              Path filler = disk.resolve("filler");
              pipeline.awayAndBack(
                  "the disk under the connector's offsets file, full",
                  DISK_FULL,
                  () -> SmallDisk.fill(filler),
                  () -> Files.delete(filler));
              assertThat(Files.readString(connector.log))
                  .as("the connector says which file it cannot write, and why")
                  .contains(connectorOffsets.getFileName().toString())
                  .contains("No space left on device");
            }

            pipeline.awaitMoreAccepted();
            pipeline.awayAndBack(
                "the schema registry",
                REGISTRY_AWAY,
                pipeline::stopRegistry,
                pipeline::startRegistry);

            pipeline.awaitMoreAccepted();
            Role zombie = pipeline.roles.get(pipeline.roles.size() - 2);
            Role survivor = pipeline.roles.get(pipeline.roles.size() - 1);
            // Both hold partitions of the work topic: there is something to freeze and take over.
            await()
                .atMost(PATIENCE)
                .until(() -> holdsWorkPartitions(zombie) && holdsWorkPartitions(survivor));
            pipeline.sendsCaught++;
            pipeline.awayAndBack(
                zombie.name + ", frozen past its session",
                FROZEN,
                () -> Children.signal("STOP", zombie.process),
                () -> Children.signal("CONT", zombie.process));
            assertThat(Files.readString(zombie.log))
                .as("the thawed worker learns it lost its partitions, and rejoins")
                .containsPattern("Worker \\S+ lost \\[");

            pipeline.awaitMoreAccepted();
            // A worker whose session expires mid-send may have those sends made again.
            pipeline.sendsCaught++;
            int acceptedWhileKafkaAway =
                pipeline.awayAndBack(
                    "Kafka, its network frozen for every role",
                    KAFKA_FROZEN,
                    kafka::freeze,
                    kafka::unfreeze);
            assertThat(acceptedWhileKafkaAway)
                .as("the API keeps accepting into the outbox while Kafka is unreachable")
                .isPositive();

            pipeline.awaitMoreAccepted();
            pipeline.awayAndBack(
                "the network between the connector and PostgreSQL, frozen",
                NETWORK_FROZEN,
                proxy::freeze,
                proxy::unfreeze);

            pipeline.awaitMoreAccepted();
            int refusedBefore = pipeline.refused.get();
            pipeline.sendsCaught++; // the workers' marks are written to the same database
            pipeline.awayAndBack(
                "PostgreSQL, stopped immediately",
                POSTGRES_AWAY,
                () -> stopImmediately(postgres.get(), pgDir),
                () -> postgres.set(EmbeddedPostgres.start(pgDir, pgPort)));
            assertThat(pipeline.refused.get())
                .as("the API answers 503 while its database is away")
                .isGreaterThan(refusedBefore);
          });
    } finally {
      postgres.get().close();
      if (noSmallDisk == null) {
        SmallDisk.unmount(disk);
      }
    }
  }

  /**
   * Where the pipeline's outbox lives; the connector reaches it on {@code capturePort} (the same
   * port, or a proxy's).
   */
  private record Db(
      String host, int port, String user, String password, String database, int capturePort) {
    /** A database of its own on the shared PostgreSQL, reached directly by every role. */
    static Db shared(Infrastructure infra, String name) {
      String database = TestNames.database(name);
      infra.createDatabase(database);
      String password = infra.postgresPassword() == null ? "" : infra.postgresPassword();
      return new Db(
          infra.postgresHost(),
          infra.postgresPort(),
          infra.postgresUser(),
          password,
          database,
          infra.postgresPort());
    }

    String jdbcUrl() {
      return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }
  }

  /** What a test's faults act on: the roles, the load and what it was answered. */
  private final class Pipeline {
    final List<Role> roles;
    final Ledger accepted;
    final List<Future<?>> running;
    final AtomicInteger refused;
    final EmbeddedSmtp smtp;
    final RegistryServerConfig registryConfig;
    final AtomicReference<SchemaRegistryServer> registry;
    final Map<String, Long> recovery = new LinkedHashMap<>();

    /**
     * Faults so far that can stop a worker between a mail's send and its mark (a kill, a freeze,
     * its database away): each may have the sends it caught in flight made again, at most {@link
     * #EMAIL_CONCURRENCY}.
     */
    int sendsCaught;

    Pipeline(
        List<Role> roles,
        Ledger accepted,
        List<Future<?>> running,
        AtomicInteger refused,
        EmbeddedSmtp smtp,
        RegistryServerConfig registryConfig,
        AtomicReference<SchemaRegistryServer> registry) {
      this.roles = roles;
      this.accepted = accepted;
      this.running = running;
      this.refused = refused;
      this.smtp = smtp;
      this.registryConfig = registryConfig;
      this.registry = registry;
    }

    void stopRegistry() {
      registry.get().close();
    }

    /** Starts the schema registry again on its port; its schemas are in its Kafka topic. */
    void startRegistry() {
      registry.set(SchemaRegistryServer.start(registryConfig));
    }

    void awaitMoreAccepted() throws Exception {
      awaitAccepted(accepted, accepted.size() + BETWEEN_FAULTS, running);
    }

    /** Kills each role with SIGKILL in turn and starts it again at once, while the load goes on. */
    void killEachRoleInTurn() throws Exception {
      for (Role role : roles) {
        awaitMoreAccepted();
        log.info("Killing {} after {} events answered 202", role.name, accepted.size());
        if (role.name.startsWith("worker")) {
          sendsCaught++;
        }
        role.kill();
        long killedAt = System.nanoTime();
        role.start();
        int before = accepted.size();
        awaitAccepted(accepted, before + 1, running);
        recovery.put(role.name, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
      }
    }

    /**
     * Takes {@code what} away with {@code down}, keeps it away for {@code away} while the load goes
     * on, then brings it back with {@code up}; waits until every event accepted until then is
     * mailed (judged with every other stage at the end, where the ledger says what is missing),
     * records how long that took, and checks that no role exited. Returns how many events were
     * answered 202 meanwhile.
     */
    int awayAndBack(String what, Duration away, Action down, Action up) throws Exception {
      log.info("Taking away {} after {} events answered 202", what, accepted.size());
      int before = accepted.size();
      int refusedBefore = refused.get();
      down.run();
      Thread.sleep(away.toMillis()); // the outage itself, not a wait for a condition
      int acceptedMeanwhile = accepted.size() - before;
      int refusedMeanwhile = refused.get() - refusedBefore;
      up.run();
      long backAt = System.nanoTime();
      boolean mailed = awaitMailed(smtp, accepted);
      long mailedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - backAt);
      recovery.put(what, mailed ? mailedMillis : -1);
      log.info(
          "{} away {} s: {} events answered 202 and {} attempts refused meanwhile; every event"
              + " accepted until it came back {}",
          what,
          away.toSeconds(),
          acceptedMeanwhile,
          refusedMeanwhile,
          mailed
              ? "mailed " + mailedMillis + " ms after it"
              : "not yet mailed " + PATIENCE.toSeconds() + " s after it");
      for (Role role : roles) {
        assertThat(role.process.isAlive())
            .as("%s carries on instead of exiting (its log: %s)", role.name, role.log)
            .isTrue();
      }
      return acceptedMeanwhile;
    }
  }

  /** Takes a part of the pipeline away, or brings it back. */
  @FunctionalInterface
  private interface Action {
    void run() throws Exception;
  }

  /** The faults of one test, injected while the load goes on. */
  @FunctionalInterface
  private interface Faults {
    void inject(Pipeline pipeline) throws Exception;
  }

  private static int leaderOf(String bootstrap, String topic) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      return admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(30, TimeUnit.SECONDS)
          .get(topic)
          .partitions()
          .get(0)
          .leader()
          .id();
    }
  }

  /**
   * Runs the roles — {@code workers} email workers beside the API (writing its outbox in {@code
   * outboxMode}), the connector and the router — on {@code bootstrap} and {@code db} under the
   * load, injects {@code faults}, then judges every stage with the ledger.
   */
  private void run(Db db, String outboxMode, String bootstrap, int workers, Faults faults)
      throws Exception {
    logs = Path.of("target", "it-logs", db.database().replace('_', '-'));
    String database = db.database();
    String jdbcUrl = db.jdbcUrl();
    Ledger accepted = new Ledger();
    Map<String, String> eventOfEmail = new ConcurrentHashMap<>();
    AtomicInteger refused = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    List<Role> roles = new ArrayList<>();
    String password = db.password();
    RegistryServerConfig registryConfig =
        RegistryServerConfig.builder(bootstrap).port(Ports.freePort()).build();
    AtomicReference<SchemaRegistryServer> registry =
        new AtomicReference<>(SchemaRegistryServer.start(registryConfig));
    try (EmbeddedSmtp smtp = EmbeddedSmtp.start(Ports.freePort())) {
      String registryUrl = registry.get().url();
      // The ops role keeps the spans every other role sends it over OTLP, as in production.
      int opsPort = Ports.freePort();
      ops =
          new Role(
              "ops",
              Map.of(),
              "ops",
              "--port",
              Integer.toString(opsPort),
              "--bootstrap-server",
              bootstrap,
              "--group",
              "offload-worker-email");
      ops.start();
      Map<String, String> traced =
          Map.of(
              "OTEL_EXPORTER_OTLP_ENDPOINT",
              "http://127.0.0.1:" + opsPort,
              "OTEL_BSP_SCHEDULE_DELAY",
              "200");
      int apiPort = Ports.freePort();
      Role api =
          new Role(
              "api",
              with(traced, "OFFLOAD_DATABASE_PASSWORD", password),
              "api",
              "--config",
              write(
                  "api.yaml",
                  "http: {host: 127.0.0.1, port: " + apiPort + "}",
                  "database: {jdbc-url: \"" + jdbcUrl + "\", user: " + db.user() + "}",
                  "registry: {url: \"" + registryUrl + "\"}",
                  "auth: {required: false}",
                  "rate-limit: {events-per-second: 0}",
                  "outbox: {mode: " + outboxMode + "}"));
      int connectorPort = Ports.freePort();
      Role connector =
          new Role(
              "connector",
              with(traced, "OFFLOAD_DATABASE_PASSWORD", password),
              "connector",
              "--config",
              RoleFiles.connector(
                      dir.resolve("connector.yaml"),
                      db.host(),
                      db.capturePort(),
                      db.user(),
                      database,
                      bootstrap,
                      registryUrl,
                      connectorOffsets != null
                          ? connectorOffsets
                          : dir.resolve("connector.offsets"),
                      connectorPort)
                  .toString());
      Role router =
          new Role(
              "router",
              traced,
              "streams",
              "run",
              "router",
              "--config",
              write(
                  "router.yaml",
                  "kafka:",
                  "  bootstrap-servers: '" + bootstrap + "'",
                  "  properties:",
                  "    consumer.session.timeout.ms: 6000",
                  "    consumer.heartbeat.interval.ms: 1500",
                  "    producer.transaction.timeout.ms: 10000",
                  "state-dir: '" + dir.resolve("router-state") + "'",
                  "commit-interval: 100ms",
                  "http: {port: " + Ports.freePort() + "}"));
      roles.addAll(List.of(api, connector, router));
      for (int w = 1; w <= workers; w++) {
        String name = w == 1 ? "worker" : "worker-" + w;
        roles.add(
            new Role(
                name,
                with(traced, "OFFLOAD_DATABASE_PASSWORD", password),
                "worker",
                "--handler",
                "email",
                "--config",
                write(
                    name + ".yaml",
                    "kafka:",
                    "  bootstrap-servers: \"" + bootstrap + "\"",
                    "  properties: {session.timeout.ms: 6000, heartbeat.interval.ms: 1500}",
                    "registry-url: " + registryUrl,
                    "concurrency: " + EMAIL_CONCURRENCY,
                    "database: {jdbc-url: \"" + jdbcUrl + "\", user: " + db.user() + "}",
                    "smtp: {host: 127.0.0.1, port: " + smtp.port() + "}",
                    "http: {host: 127.0.0.1, port: " + Ports.freePort() + "}")));
      }
      api.start();
      router.start();
      for (Role worker : roles.subList(3, roles.size())) {
        worker.start();
      }
      // The connector captures the outbox table, which the API creates.
      await()
          .atMost(PATIENCE)
          .failFast("the API exited", () -> !api.process.isAlive())
          .until(() -> ready("http://127.0.0.1:" + apiPort + "/health/ready"));
      connector.start();
      // Events are captured from the moment the connector's slot exists: a deployment starts the
      // connector before it lets apps publish, and so does this test.
      await()
          .atMost(PATIENCE)
          .failFast("the connector exited", () -> !connector.process.isAlive())
          .until(() -> ready("http://127.0.0.1:" + connectorPort + "/health/ready"));

      String url = "http://127.0.0.1:" + apiPort + "/v1/events/user-signed-up";
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        running.add(
            clients.submit(
                () -> {
                  HttpClient http =
                      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                  for (int n = 0; !stop.get(); n++) {
                    String key = "client-" + client + "-" + n % KEYS_PER_CLIENT;
                    String email = "c" + client + "-" + n + "@example.com";
                    String id = publish(http, url, key, email, client + "-" + n, refused, stop);
                    if (id == null) {
                      return null; // stopped
                    }
                    eventOfEmail.put(email, id);
                    accepted.accepted(id, key);
                    Thread.sleep(PACE.toMillis());
                  }
                  return null;
                }));
      }

      Pipeline pipeline =
          new Pipeline(roles, accepted, running, refused, smtp, registryConfig, registry);
      faults.inject(pipeline);
      Map<String, Long> recovery = pipeline.recovery;
      awaitAccepted(accepted, accepted.size() + BETWEEN_FAULTS, running);
      stop.set(true);
      for (Future<?> client : running) {
        client.get(60, TimeUnit.SECONDS);
      }

      // Wait for the last mail, then judge every stage: a stage that lost events shows in the
      // reports below, whether or not the wait ran out.
      try {
        if (!awaitMailed(smtp, accepted)) {
          log.warn("Not every signup has its mail within {}", PATIENCE);
        }
        await()
            .atMost(PATIENCE)
            .until(() -> Ledger.caughtUp(bootstrap, "offload-router", List.of(SIGNUPS)));
      } catch (ConditionTimeoutException e) {
        log.warn("The router has not committed its input's end within {}", PATIENCE);
      }

      Ledger.Report events =
          accepted.judge(Ledger.readToEnd(bootstrap, List.of(SIGNUPS), PATIENCE));
      Ledger.Report work = accepted.judge(Ledger.readToEnd(bootstrap, List.of(WORK), PATIENCE));
      List<Ledger.Output> mails = new ArrayList<>();
      Map<String, Set<String>> messageIds = new HashMap<>();
      List<EmbeddedSmtp.ReceivedMail> received = smtp.received();
      for (int i = 0; i < received.size(); i++) {
        EmbeddedSmtp.ReceivedMail mail = received.get(i);
        String n = mail.to().substring(mail.to().indexOf('-') + 1, mail.to().indexOf('@'));
        String key =
            "client-"
                + mail.to().substring(1, mail.to().indexOf('-'))
                + "-"
                + Integer.parseInt(n) % KEYS_PER_CLIENT;
        mails.add(new Ledger.Output(mail.eventId(), key, "mail", 0, i));
        messageIds
            .computeIfAbsent(mail.eventId(), id -> new java.util.HashSet<>())
            .add(mail.messageId());
        assertThat(eventOfEmail.get(mail.to()))
            .as("the mail to %s is for the event that named it", mail.to())
            .isEqualTo(mail.eventId());
      }
      Ledger.Report effects = accepted.judge(mails);
      log.info(
          "{} signups answered 202 ({} attempts refused or cut); after each fault, back to"
              + " accepting (a role killed) or every event mailed (a part away) within {} ms",
          accepted.size(),
          refused.get(),
          recovery);
      log.info("events topic: {}", events);
      if (!events.lost().isEmpty()) {
        Map<String, Long> seqOf =
            accepted.entries().stream()
                .collect(Collectors.toMap(Ledger.Entry::id, Ledger.Entry::seq));
        log.warn(
            "lost events were answered 202 as numbers {} of {}",
            events.lost().stream().map(seqOf::get).sorted().toList(),
            accepted.size());
        for (Role role : roles) {
          if (role.process.isAlive()) {
            new ProcessBuilder("jcmd", Long.toString(role.process.pid()), "Thread.print")
                .redirectErrorStream(true)
                .redirectOutput(logs.resolve(role.name + "-threads.txt").toFile())
                .start()
                .waitFor(30, TimeUnit.SECONDS);
          }
        }
      }
      log.info("email work topic: {}", work);
      log.info("mails: {}", effects);

      assertThat(events.lost()).as("events lost before Kafka: %s", events).isEmpty();
      assertThat(events.unexpected()).as(events.toString()).isEmpty();
      assertThat(events.outOfOrder()).as(events.toString()).isEmpty();
      assertThat(work.clean()).as("the email work topic: %s", work).isTrue();
      assertThat(effects.lost()).as("signups without a mail: %s", effects).isEmpty();
      assertThat(effects.unexpected()).as(effects.toString()).isEmpty();
      assertThat(effects.outOfOrder()).as(effects.toString()).isEmpty();
      assertThat(effects.duplicated().values().stream().mapToInt(n -> n - 1).sum())
          .as(
              "mails sent again: only sends the %d faults that stop a worker caught in flight (%s)",
              pipeline.sendsCaught, effects)
          .isLessThanOrEqualTo(EMAIL_CONCURRENCY * Math.max(1, pipeline.sendsCaught));
      assertThat(messageIds.values())
          .as("a mail sent again has its first send's Message-ID")
          .allMatch(set -> set.size() == 1);
      assertJourneyAcrossRoles(accepted.entries().get(accepted.size() - 1).id(), opsPort);
    } finally {
      stop.set(true);
      clients.shutdownNow();
      for (Role role : roles) {
        role.stop();
      }
      if (ops != null) {
        ops.stop();
      }
      registry.get().close();
      dropSlot(db);
    }
  }

  /**
   * The journey of the last event accepted, read from the spans the roles sent the ops role: one
   * trace through the API, the connector, the router and the email worker, each stage a child of
   * the one before, as {@code offload trace} prints it.
   */
  private static void assertJourneyAcrossRoles(String eventId, int opsPort) {
    String opsUrl = "http://127.0.0.1:" + opsPort;
    List<String> stages =
        List.of(
            "POST /v1/events/{type}",
            "outbox write",
            "outbox capture",
            "router route",
            "offload-worker-email queue",
            "offload-worker-email process",
            "smtp send");
    StringWriter printed = new StringWriter();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              printed.getBuffer().setLength(0);
              int exit =
                  new CommandLine(new Offload())
                      .setOut(new PrintWriter(printed))
                      .execute("trace", eventId, "--ops-url", opsUrl);
              assertThat(exit).as("offload trace %s: %s", eventId, printed).isZero();
              assertThat(printed.toString()).containsSubsequence(stages);
            });
    log.info("offload trace {} against the production roles:\n{}", eventId, printed);
    assertThat(printed.toString())
        .contains(
            "recorded by offload-api, offload-connector, offload-router, offload-worker-email")
        .contains("[offload-connector] outbox capture  offload.events.user-signed-up[");
  }

  private static Map<String, String> with(Map<String, String> env, String name, String value) {
    Map<String, String> all = new HashMap<>(env);
    all.put(name, value);
    return all;
  }

  private String write(String name, String... lines) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, String.join("\n", lines));
    return file.toString();
  }

  /**
   * Waits until every event {@code accepted} holds now has its mail; false when {@link #PATIENCE}
   * ran out first.
   */
  private static boolean awaitMailed(EmbeddedSmtp smtp, Ledger accepted) {
    Set<String> ids = accepted.entries().stream().map(Ledger.Entry::id).collect(Collectors.toSet());
    try {
      await()
          .atMost(PATIENCE)
          .until(
              () ->
                  smtp.received().stream()
                      .map(EmbeddedSmtp.ReceivedMail::eventId)
                      .collect(Collectors.toSet())
                      .containsAll(ids));
      return true;
    } catch (ConditionTimeoutException e) {
      return false;
    }
  }

  private static void awaitAccepted(Ledger accepted, int count, List<Future<?>> running)
      throws Exception {
    await()
        .atMost(PATIENCE)
        .until(() -> accepted.size() >= count || running.stream().anyMatch(Future::isDone));
    for (Future<?> client : running) {
      if (client.isDone()) {
        client.get(); // throws the client's failure
      }
    }
  }

  /**
   * Sends one sign-up under {@code idempotencyKey} until answered 202 and returns its event id; a
   * refused or cut connection or a 503 is retried after 50 ms with the same key. Returns null when
   * stopped first.
   */
  private static String publish(
      HttpClient http,
      String url,
      String key,
      String email,
      String idempotencyKey,
      AtomicInteger refused,
      AtomicBoolean stop)
      throws InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", idempotencyKey)
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    new JsonObject()
                        .put("key", key)
                        .put(
                            "data",
                            new JsonObject()
                                .put("userId", idempotencyKey)
                                .put("email", email)
                                .put("name", "User " + idempotencyKey))
                        .encode()))
            .build();
    while (!stop.get()) {
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 202) {
          return new JsonObject(response.body()).getString("eventId");
        }
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
      } catch (java.io.IOException e) {
        // the API is down or was cut off mid-request
      }
      refused.incrementAndGet();
      Thread.sleep(50);
    }
    return null;
  }

  private static boolean ready(String url) {
    try {
      return HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url)).build(),
                  HttpResponse.BodyHandlers.ofString())
              .statusCode()
          == 200;
    } catch (Exception e) {
      return false;
    }
  }

  /** Drops the connector's slot, named after its database, so that it holds no WAL. */
  private static void dropSlot(Db db) {
    Supplier<Boolean> drop =
        () -> {
          try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
              Statement s = c.createStatement()) {
            s.execute(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE slot_name = '"
                    + db.database()
                    + "'");
            return true;
          } catch (Exception e) {
            return false;
          }
        };
    await().atMost(Duration.ofSeconds(30)).until(drop::get);
  }

  /** Whether {@code worker}'s log says it was assigned a partition of the email work topic. */
  private static boolean holdsWorkPartitions(Role worker) throws Exception {
    return Pattern.compile("Worker \\S+ assigned \\[[^\\]]*" + Pattern.quote(WORK) + "-\\d")
        .matcher(Files.readString(worker.log))
        .find();
  }

  /**
   * Stops PostgreSQL the hard way: SIGQUIT to the server (immediate shutdown: no checkpoint, every
   * connection cut), then releases the data directory's lock in this JVM.
   */
  private static void stopImmediately(EmbeddedPostgres postgres, Path pgDir) throws Exception {
    long server =
        Long.parseLong(Files.readAllLines(pgDir.resolve("pgdata/postmaster.pid")).get(0).trim());
    new ProcessBuilder("kill", "-QUIT", Long.toString(server)).inheritIO().start().waitFor();
    ProcessHandle.of(server).ifPresent(p -> p.onExit().join());
    try {
      postgres.close();
    } catch (RuntimeException e) {
      // pg_ctl finds nothing to stop
    }
  }
}
