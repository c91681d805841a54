package dev.offload.producers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.connectors.ConnectorConfig;
import dev.offload.connectors.OutboxConnector;
import dev.offload.embedded.EmbeddedPostgres;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.Ports;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL stopped the hard way under load (immediate shutdown: SIGQUIT to the server, no
 * checkpoint, every connection cut) for 10 s, on a server of its own: requests are answered {@code
 * 503} with {@code Retry-After} at once (the circuit breaker opens), nothing hangs, publishing
 * resumes after the restart, and every event answered {@code 202} is in the outbox stream (read
 * back through a logical replication slot created before the load) and on Kafka.
 *
 * <p>Kafka is reached through the real connector, started (its slot created) before the load and
 * left running through the outage: it reconnects by itself once PostgreSQL is back. The broker is
 * the shared one; the event type is the test's own.
 */
@ExtendWith(SharedInfrastructure.class)
class DatabaseOutageIT {
  private static final Logger log = LoggerFactory.getLogger(DatabaseOutageIT.class);
  private static final String DATABASE = "offload";
  private static final String SLOT = "outage_it";
  private static final int ACCEPTED_BEFORE = 200;
  private static final Duration OUTAGE = Duration.ofSeconds(10);

  @TempDir Path dir;

  private record Answer(int status, String eventId, String retryAfter, String error, long millis) {}

  @Test
  void stoppingPostgresUnderLoadAnswers503FastAndLosesNo202(Infrastructure infra) throws Exception {
    int pgPort = Ports.freePort();
    EmbeddedPostgres postgres = EmbeddedPostgres.start(dir.resolve("pg"), pgPort);
    postgres.createDatabaseIfAbsent(DATABASE);
    String type = TestNames.eventType("outage");
    ConnectorConfig connectorConfig =
        TestConnectors.config(
            infra.bootstrapServers(),
            "127.0.0.1",
            pgPort,
            DATABASE,
            EmbeddedPostgres.USER,
            "",
            dir.resolve("offsets.dat"));
    IngestApi api = null;
    OutboxConnector connector = null;
    ExecutorService load = Executors.newFixedThreadPool(4);
    AtomicBoolean stop = new AtomicBoolean();
    ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    try {
      ApiConfig config =
          ApiConfig.of(
                  "jdbc:postgresql://127.0.0.1:" + pgPort + "/" + DATABASE,
                  EmbeddedPostgres.USER,
                  "")
              .with(
                  Map.of(
                      "database.connect-timeout", "1s",
                      "breaker.failure-threshold", "3",
                      "breaker.open-for", "1s",
                      "rate-limit.events-per-second", "0"));
      PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      api = IngestApi.start(config, meters, Map.of());
      createSlot(pgPort);
      // After the API, which creates the outbox table the connector's publication is for.
      connector = TestConnectors.start(connectorConfig);
      String url = api.baseUrl() + "/v1/events/" + type;
      HttpClient http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int worker = w;
        workers.add(
            load.submit(
                () -> {
                  int n = 0;
                  long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                  while (!stop.get() && System.nanoTime() < deadline) {
                    answers.add(publish(http, url, "w" + worker + "-" + n++));
                  }
                  return null;
                }));
      }
      // the load is under way: events are being accepted before the database goes
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> answers.stream().filter(a -> a.status() == 202).count() >= ACCEPTED_BEFORE);

      // An immediate shutdown, as a crash or an operator's `pg_ctl -m immediate` does: SIGQUIT to
      // the server, no checkpoint, every connection cut, the connector's replication one too.
      long server =
          Long.parseLong(
              Files.readAllLines(dir.resolve("pg").resolve("pgdata/postmaster.pid")).get(0).trim());
      new ProcessBuilder("kill", "-QUIT", Long.toString(server)).inheritIO().start().waitFor();
      ProcessHandle.of(server).ifPresent(p -> p.onExit().join());
      try {
        postgres.close(); // the server is gone; this releases the data directory in this JVM
      } catch (RuntimeException e) {
        // pg_ctl finds nothing to stop
      }
      boolean sawOpen = false;
      long outageEnds = System.nanoTime() + OUTAGE.toNanos();
      while (System.nanoTime() < outageEnds) {
        sawOpen |=
            meters
                .scrape()
                .contains("offload_api_breaker_state{name=\"database\",state=\"open\"} 1.0");
        Thread.sleep(100);
      }
      int answeredDuringOutage = answers.size();
      postgres = EmbeddedPostgres.start(dir.resolve("pg"), pgPort);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  answers.stream().skip(answeredDuringOutage).filter(a -> a.status() == 202).count()
                      >= 20);
      stop.set(true);
      for (Future<?> worker : workers) {
        worker.get(30, TimeUnit.SECONDS);
      }

      List<Answer> all = List.copyOf(answers);
      assertThat(all).extracting(Answer::status).containsOnly(202, 503);
      List<Answer> refused = all.stream().filter(a -> a.status() == 503).toList();
      assertThat(refused).as("refused during the outage").hasSizeGreaterThan(10);
      assertThat(refused)
          .allSatisfy(
              a -> {
                assertThat(a.retryAfter()).as("Retry-After").isNotNull();
                assertThat(a.error()).isEqualTo("database-unavailable");
              });
      assertThat(all).extracting(Answer::millis).allSatisfy(ms -> assertThat(ms).isLessThan(5_000));
      assertThat(sawOpen).as("breaker reported open").isTrue();
      Set<String> accepted = new HashSet<>();
      all.stream().filter(a -> a.status() == 202).forEach(a -> accepted.add(a.eventId()));
      assertThat(accepted).hasSizeGreaterThan(20);
      Set<String> inStream = insertedIds(pgPort);
      assertThat(inStream).as("every 202 is in the outbox stream").containsAll(accepted);
      List<String> onKafka;
      try (EventTopic topic = new EventTopic(infra.bootstrapServers(), type)) {
        // The connector notices the cut stream at its next status update (every 10 s), waits
        // Debezium's 10 s before a retriable restart, and again while the server is not back.
        onKafka = topic.readUntilAll(accepted, Duration.ofSeconds(120));
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        OutboxConnector c = connector;
        throw new AssertionError(
            "not every 202 reached Kafka within 120 s; connector running: "
                + c.isRunning()
                + ", failure: "
                + c.failure().map(Throwable::toString).orElse("none"),
            e);
      }
      assertThat(onKafka).as("every 202 is on Kafka").containsAll(accepted);
      assertThat(connector.failure()).isEmpty();
      assertThat(connector.isRunning()).as("the same connector, never restarted").isTrue();
      // Duplicates are allowed (at-least-once delivery; handlers dedupe on offload-event-id):
      // a connector cut off from its database may deliver again what it had delivered but not yet
      // acknowledged to the slot. They are counted and logged.
      Map<String, Long> duplicates =
          onKafka.stream()
              .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()))
              .entrySet()
              .stream()
              .filter(e -> e.getValue() > 1)
              .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
      log.info(
          "Outage: {} answered 202, {} answered 503; {} records on Kafka, {} event ids twice or"
              + " more {}, {} ids on Kafka that no answer 202 named",
          accepted.size(),
          refused.size(),
          onKafka.size(),
          duplicates.size(),
          duplicates,
          onKafka.stream().filter(id -> !accepted.contains(id)).distinct().count());
    } finally {
      stop.set(true);
      load.shutdownNow();
      if (api != null) {
        api.close();
      }
      if (connector != null) {
        connector.close();
      }
      postgres.close();
    }
  }

  /**
   * Publishes one event. A request that fails with no answer at all (a kept-alive connection found
   * closed) is sent once more, as an HTTP client's retry of a stale pooled connection does; a
   * second failure, or no answer within 30 s, fails the test. Should the first attempt have been
   * written, the retry adds a second event: the assertions below hold for every event answered 202.
   */
  private static Answer publish(HttpClient http, String url, String key) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString("{\"key\":\"" + key + "\",\"data\":{\"n\":1}}"))
            .build();
    for (int attempt = 1; ; attempt++) {
      long start = System.nanoTime();
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        JsonObject body = new JsonObject(response.body());
        return new Answer(
            response.statusCode(),
            body.getString("eventId"),
            response.headers().firstValue("Retry-After").orElse(null),
            body.getString("error"),
            millis);
      } catch (java.net.http.HttpTimeoutException e) {
        throw new AssertionError("request not answered within 30 s: " + e, e);
      } catch (java.io.IOException e) {
        if (attempt > 1) {
          throw new AssertionError("request failed twice without an answer: " + e, e);
        }
        log.info("Sending {} again after {}", key, e.toString());
      } catch (Exception e) {
        throw new AssertionError("request failed without an answer: " + e, e);
      }
    }
  }

  private static void createSlot(int port) throws Exception {
    try (Connection c = connect(port);
        PreparedStatement create =
            c.prepareStatement("SELECT pg_create_logical_replication_slot(?, 'test_decoding')")) {
      create.setString(1, SLOT);
      create.execute();
    }
  }

  private static Set<String> insertedIds(int port) throws Exception {
    Set<String> ids = new HashSet<>();
    try (Connection c = connect(port);
        PreparedStatement get =
            c.prepareStatement("SELECT data FROM pg_logical_slot_get_changes(?, NULL, NULL)")) {
      get.setString(1, SLOT);
      try (ResultSet rs = get.executeQuery()) {
        while (rs.next()) {
          String change = rs.getString(1);
          int at = change.indexOf("id[uuid]:'");
          if (change.startsWith("table public.offload_outbox: INSERT:") && at >= 0) {
            ids.add(change.substring(at + 10, at + 46));
          }
        }
      }
    }
    return ids;
  }

  private static Connection connect(int port) throws Exception {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE, EmbeddedPostgres.USER, "");
  }
}
