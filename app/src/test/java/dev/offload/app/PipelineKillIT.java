package dev.offload.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.embedded.EmbeddedSmtp;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.Ports;
import dev.offload.embedded.junit.ChildKafka;
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
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline as separate processes — {@code offload api}, {@code offload connector}, {@code
 * offload streams run router}, {@code offload worker --handler email} and a Kafka broker of its own
 * — under steady load over HTTP from clients that send every sign-up under an {@code
 * Idempotency-Key} and retry it until answered {@code 202}. Each role's process is killed with
 * SIGKILL in turn and started again at once, while the load goes on (the broker's own kill is in
 * {@code ConnectorBrokerKillIT} and {@code WorkerBrokerKillIT}). Judged by the {@link Ledger}:
 * every event answered 202 is on its events topic (duplicates allowed there: the connector delivers
 * at least once), on the email work topic exactly once and in key order (the router deduplicates
 * under exactly-once), and has its mail — a repeat only of a send a kill caught in flight, with the
 * same Message-ID.
 */
@ExtendWith(SharedInfrastructure.class)
class PipelineKillIT {
  private static final Logger log = LoggerFactory.getLogger(PipelineKillIT.class);
  private static final int CLIENTS = 4;
  private static final int BETWEEN_FAULTS = 80;
  private static final int EMAIL_CONCURRENCY = 16;
  private static final Duration PATIENCE = Duration.ofSeconds(120);
  private static final String SIGNUPS = Topics.events("user-signed-up");
  private static final String WORK = Topics.work("email");

  @TempDir Path dir;

  /** A role's process, started again on the same command and environment. */
  private final class Role {
    final String name;
    final List<String> args;
    final Map<String, String> env;
    Process process;
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
      Path logFile =
          Files.createDirectories(Path.of("target", "it-logs", "pipeline-kill"))
              .resolve(name + "-" + ++starts + ".log");
      process = pb.redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
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

  @Test
  void everyAcceptedSignupHasItsMailOnceWhileEachProcessIsKilledInTurn(Infrastructure infra)
      throws Exception {
    String database = TestNames.database("pipeline_kill");
    String jdbcUrl = infra.createDatabase(database);
    int kafkaPort = Ports.freePort();
    String bootstrap = "127.0.0.1:" + kafkaPort;
    Path kafkaDir = dir.resolve("kafka");
    // A broker of its own: the roles use their default topic and group names.
    Process broker = ChildKafka.start(kafkaDir, kafkaPort);
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
                RegistryServerConfig.of(bootstrap).withPort(Ports.freePort()))) {
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
                    Thread.sleep(40);
                  }
                  return null;
                }));
      }

      Map<String, Long> recovery = new LinkedHashMap<>();
      for (Role role : roles) {
        awaitAccepted(accepted, accepted.size() + BETWEEN_FAULTS, running);
        log.info("Killing {} after {} events answered 202", role.name, accepted.size());
        role.kill();
        long killedAt = System.nanoTime();
        role.start();
        int before = accepted.size();
        awaitAccepted(accepted, before + 1, running);
        recovery.put(role.name, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
      }
      awaitAccepted(accepted, accepted.size() + BETWEEN_FAULTS, running);
      stop.set(true);
      for (Future<?> client : running) {
        client.get(60, TimeUnit.SECONDS);
      }

      Set<String> ids =
          accepted.entries().stream().map(Ledger.Entry::id).collect(Collectors.toSet());
      // Wait for the last mail, then judge every stage: a stage that lost events shows in the
      // reports below, whether or not the wait ran out.
      try {
        await()
            .atMost(PATIENCE)
            .until(
                () ->
                    smtp.received().stream()
                        .map(EmbeddedSmtp.ReceivedMail::eventId)
                        .collect(Collectors.toSet())
                        .containsAll(ids));
        await()
            .atMost(PATIENCE)
            .until(() -> Ledger.caughtUp(bootstrap, "offload-router", List.of(SIGNUPS)));
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        log.warn("Not every signup has its mail within {}: {}", PATIENCE, e.getMessage());
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
              + " turn; back to accepting after {} ms",
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
                .redirectOutput(
                    Path.of("target", "it-logs", "pipeline-kill", role.name + "-threads.txt")
                        .toFile())
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
      broker.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      dropSlot(infra, jdbcUrl, database);
    }
  }

  private String write(String name, String... lines) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, String.join("\n", lines));
    return file.toString();
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
