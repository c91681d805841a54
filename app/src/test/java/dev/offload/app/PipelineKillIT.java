package dev.offload.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.embedded.EmbeddedSmtp;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.Ports;
import dev.offload.embedded.junit.ChildKafka;
import dev.offload.embedded.junit.ChildKafkaCluster;
import dev.offload.embedded.junit.Ledger;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.embedded.registry.RegistryServerConfig;
import dev.offload.embedded.registry.SchemaRegistryServer;
import dev.offload.schemas.Topics;
import io.vertx.core.json.JsonObject;
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
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline as separate processes — {@code offload api}, {@code offload connector}, {@code
 * offload streams run router}, {@code offload worker --handler email} and Kafka brokers of their
 * own — under steady load over HTTP from clients that send every sign-up under an {@code
 * Idempotency-Key} and retry it until answered {@code 202}. Each role's process is killed with
 * SIGKILL in turn and started again at once, while the load goes on; then a Kafka node is killed
 * with SIGKILL, kept away for 10 s and started again on its data: the node that leads the events
 * topic of a three-node cluster (replication 3, two in sync required), or, behind the soak flag, a
 * single broker. Judged by the {@link Ledger}: every event answered 202 is on its events topic
 * (duplicates allowed there: the connector delivers at least once), on the email work topic exactly
 * once and in key order (the router deduplicates under exactly-once), and has its mail — a repeat
 * only of a send a kill caught in flight, with the same Message-ID.
 */
@ExtendWith(SharedInfrastructure.class)
class PipelineKillIT {
  private static final Logger log = LoggerFactory.getLogger(PipelineKillIT.class);
  private static final int CLIENTS = 4;
  private static final int BETWEEN_FAULTS = 80;
  private static final int EMAIL_CONCURRENCY = 16;
  private static final Duration PATIENCE = Duration.ofSeconds(120);
  private static final Duration BROKER_AWAY = Duration.ofSeconds(10);

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
            infra,
            "pipeline_cluster",
            cluster.bootstrapServers(),
            pipeline -> {
              pipeline.killEachRoleInTurn();
              pipeline.awaitMoreAccepted();
              // The node that leads the events topic: the connector's sends fail over to another.
              int node = leaderOf(cluster.bootstrapServers(), SIGNUPS) - 1;
              log.info(
                  "Killing node {} of 3, the events topic's leader, after {} events answered 202",
                  node + 1,
                  pipeline.accepted.size());
              cluster.kill(node);
              pipeline.awayAndBack(() -> cluster.restart(node));
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
          infra,
          "pipeline_kill",
          "127.0.0.1:" + kafkaPort,
          pipeline -> {
            pipeline.killEachRoleInTurn();
            // Then the broker: killed, kept away while the load goes on, started again on its
            // data. The API keeps accepting into the outbox; the other roles resume by themselves.
            pipeline.awaitMoreAccepted();
            log.info("Killing the broker after {} events answered 202", pipeline.accepted.size());
            broker.get().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            // A worker deployed while Kafka is away waits for it rather than exiting.
            Role worker = pipeline.roles.get(pipeline.roles.size() - 1);
            worker.kill();
            worker.start();
            pipeline.awayAndBack(() -> broker.set(ChildKafka.start(kafkaDir, kafkaPort)));
          });
    } finally {
      broker.get().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      Path log = kafkaDir.resolve(ChildKafka.LOG_FILE);
      if (Files.exists(log)) {
        Files.copy(log, logs.resolve("kafka.log"), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /** What a test's faults act on: the roles, the load and what it was answered. */
  private final class Pipeline {
    final List<Role> roles;
    final Ledger accepted;
    final List<Future<?>> running;
    final EmbeddedSmtp smtp;
    final Map<String, Long> recovery = new LinkedHashMap<>();

    Pipeline(List<Role> roles, Ledger accepted, List<Future<?>> running, EmbeddedSmtp smtp) {
      this.roles = roles;
      this.accepted = accepted;
      this.running = running;
      this.smtp = smtp;
    }

    void awaitMoreAccepted() throws Exception {
      awaitAccepted(accepted, accepted.size() + BETWEEN_FAULTS, running);
    }

    /** Kills each role with SIGKILL in turn and starts it again at once, while the load goes on. */
    void killEachRoleInTurn() throws Exception {
      for (Role role : roles) {
        awaitMoreAccepted();
        log.info("Killing {} after {} events answered 202", role.name, accepted.size());
        role.kill();
        long killedAt = System.nanoTime();
        role.start();
        int before = accepted.size();
        awaitAccepted(accepted, before + 1, running);
        recovery.put(role.name, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
      }
    }

    /**
     * Keeps Kafka away for {@link #BROKER_AWAY} while the load goes on, then brings it back with
     * {@code restart}; checks that the API accepted meanwhile, that every event accepted until then
     * is mailed, and that no role exited.
     */
    void awayAndBack(Restart restart) throws Exception {
      int beforeOutage = accepted.size();
      Thread.sleep(BROKER_AWAY.toMillis()); // the outage itself, not a wait for a condition
      int acceptedWhileAway = accepted.size() - beforeOutage;
      restart.run();
      long restartedAt = System.nanoTime();
      // Judged with every other stage at the end, where the ledger says what is missing.
      boolean mailed = awaitMailed(smtp, accepted);
      long mailedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt);
      recovery.put("kafka", mailed ? mailedMillis : -1);
      log.info(
          "Kafka node away {} s: {} events answered 202 meanwhile; every event accepted until its"
              + " restart {}",
          BROKER_AWAY.toSeconds(),
          acceptedWhileAway,
          mailed
              ? "mailed " + mailedMillis + " ms after it"
              : "not yet mailed " + PATIENCE.toSeconds() + " s after it");
      assertThat(acceptedWhileAway)
          .as("the API keeps accepting into the outbox while Kafka is away")
          .isPositive();
      for (Role role : roles) {
        assertThat(role.process.isAlive())
            .as("%s carries on instead of exiting (its log: %s)", role.name, role.log)
            .isTrue();
      }
    }
  }

  /** Brings a killed broker back. */
  @FunctionalInterface
  private interface Restart {
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
   * Runs the four roles on {@code bootstrap} under the load, injects {@code faults}, then judges
   * every stage with the ledger.
   */
  private void run(Infrastructure infra, String name, String bootstrap, Faults faults)
      throws Exception {
    logs = Path.of("target", "it-logs", name.replace('_', '-'));
    String database = TestNames.database(name);
    String jdbcUrl = infra.createDatabase(database);
    Ledger accepted = new Ledger();
    Map<String, String> eventOfEmail = new ConcurrentHashMap<>();
    AtomicInteger refused = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    List<Role> roles = new ArrayList<>();
    String password = infra.postgresPassword() == null ? "" : infra.postgresPassword();
    try (EmbeddedSmtp smtp = EmbeddedSmtp.start(Ports.freePort());
        SchemaRegistryServer registry =
            SchemaRegistryServer.start(
                RegistryServerConfig.builder(bootstrap).port(Ports.freePort()).build())) {
      int apiPort = Ports.freePort();
      Role api =
          new Role(
              "api",
              Map.of("OFFLOAD_DATABASE_PASSWORD", password),
              "api",
              "--config",
              write(
                  "api.yaml",
                  "http: {host: 127.0.0.1, port: " + apiPort + "}",
                  "database: {jdbc-url: \"" + jdbcUrl + "\", user: " + infra.postgresUser() + "}",
                  "registry: {url: \"" + registry.url() + "\"}",
                  "auth: {required: false}",
                  "rate-limit: {events-per-second: 0}"));
      int connectorPort = Ports.freePort();
      Role connector =
          new Role(
              "connector",
              Map.of("OFFLOAD_DATABASE_PASSWORD", password),
              "connector",
              "--config",
              RoleFiles.connector(
                      dir.resolve("connector.yaml"),
                      infra,
                      database,
                      bootstrap,
                      registry.url(),
                      dir.resolve("connector.offsets"),
                      connectorPort)
                  .toString());
      Role router =
          new Role(
              "router",
              Map.of(),
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
      Role worker =
          new Role(
              "worker",
              Map.of("OFFLOAD_DATABASE_PASSWORD", password),
              "worker",
              "--handler",
              "email",
              "--config",
              write(
                  "worker.yaml",
                  "kafka:",
                  "  bootstrap-servers: \"" + bootstrap + "\"",
                  "  properties: {session.timeout.ms: 6000, heartbeat.interval.ms: 1500}",
                  "registry-url: " + registry.url(),
                  "concurrency: " + EMAIL_CONCURRENCY,
                  "database: {jdbc-url: \"" + jdbcUrl + "\", user: " + infra.postgresUser() + "}",
                  "smtp: {host: 127.0.0.1, port: " + smtp.port() + "}",
                  "http: {host: 127.0.0.1, port: " + Ports.freePort() + "}"));
      roles.addAll(List.of(api, connector, router, worker));
      api.start();
      router.start();
      worker.start();
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
                    String key = "client-" + client;
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

      Pipeline pipeline = new Pipeline(roles, accepted, running, smtp);
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
        String key = "client-" + mail.to().substring(1, mail.to().indexOf('-'));
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
          "{} signups answered 202 ({} attempts refused or cut) while each process was killed in"
              + " turn; back to accepting after {} ms (the broker: see above)",
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
          .as("mails sent again: only sends a kill caught in flight (%s)", effects)
          .isLessThanOrEqualTo(EMAIL_CONCURRENCY);
      assertThat(messageIds.values())
          .as("a mail sent again has its first send's Message-ID")
          .allMatch(set -> set.size() == 1);
    } finally {
      stop.set(true);
      clients.shutdownNow();
      for (Role role : roles) {
        role.stop();
      }
      dropSlot(infra, jdbcUrl, database);
    }
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

  private static void dropSlot(Infrastructure infra, String jdbcUrl, String slot) {
    Supplier<Boolean> drop =
        () -> {
          try (Connection c =
                  DriverManager.getConnection(
                      jdbcUrl, infra.postgresUser(), infra.postgresPassword());
              Statement s = c.createStatement()) {
            s.execute(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE slot_name = '"
                    + slot
                    + "'");
            return true;
          } catch (Exception e) {
            return false;
          }
        };
    await().atMost(Duration.ofSeconds(30)).until(drop::get);
  }
}
