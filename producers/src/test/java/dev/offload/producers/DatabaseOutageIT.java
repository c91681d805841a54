package dev.offload.producers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.embedded.EmbeddedPostgres;
import dev.offload.embedded.Ports;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stopped under load, on a server of its own: requests are answered {@code 503} with
 * {@code Retry-After} at once (the circuit breaker opens), nothing hangs, publishing resumes after
 * the restart, and every event answered {@code 202} is in the outbox stream (read back through a
 * logical replication slot created before the load).
 */
class DatabaseOutageIT {
  private static final String DATABASE = "offload";
  private static final String SLOT = "outage_it";
  private static final int ACCEPTED_BEFORE = 200;
  private static final Duration OUTAGE = Duration.ofSeconds(4);

  @TempDir Path dir;

  private record Answer(int status, String eventId, String retryAfter, String error, long millis) {}

  @Test
  void stoppingPostgresUnderLoadAnswers503FastAndLosesNo202() throws Exception {
    int pgPort = Ports.freePort();
    EmbeddedPostgres postgres = EmbeddedPostgres.start(dir.resolve("pg"), pgPort);
    postgres.createDatabaseIfAbsent(DATABASE);
    IngestApi api = null;
    ExecutorService load = Executors.newFixedThreadPool(4);
    AtomicBoolean stop = new AtomicBoolean();
    ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    try {
      ApiConfig config =
          ApiConfig.defaults()
              .withPort(0)
              .withDatabase(
                  new ApiConfig.Database("127.0.0.1", pgPort, DATABASE, EmbeddedPostgres.USER, ""))
              .withDbConnectTimeout(Duration.ofSeconds(1))
              .withBreaker(new ApiConfig.Breaker(3, Duration.ofSeconds(1)))
              .withRateLimit(ApiConfig.RateLimit.off());
      PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      api = IngestApi.start(config, meters, Map.of());
      createSlot(pgPort);
      String url = api.baseUrl() + "/v1/events/user-signed-up";
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

      postgres.close();
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
    } finally {
      stop.set(true);
      load.shutdownNow();
      if (api != null) {
        api.close();
      }
      postgres.close();
    }
  }

  private static Answer publish(HttpClient http, String url, String key) {
    long start = System.nanoTime();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString("{\"key\":\"" + key + "\",\"data\":{\"n\":1}}"))
            .build();
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
    } catch (Exception e) {
      throw new AssertionError("request failed without an answer: " + e, e);
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
