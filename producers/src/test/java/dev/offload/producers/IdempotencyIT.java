package dev.offload.producers;

import static dev.offload.producers.IngestApiIT.configFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code Idempotency-Key} against a real PostgreSQL: retries, concurrent retries and batches answer
 * the first request's ids and write nothing more (read back through a logical replication slot),
 * and expired keys are purged.
 */
@ExtendWith(SharedInfrastructure.class)
class IdempotencyIT {
  private static final String EVENTS = "/v1/events/user-signed-up";
  private static final String BODY = "{\"key\":\"user-42\",\"data\":{\"plan\":\"pro\"}}";
  private static final Duration RETENTION = Duration.ofSeconds(3);

  private static Infrastructure infra;
  private static String database;
  private static IngestApi api;
  private static ApiClient client;
  private static PrometheusMeterRegistry meters;

  private OutboxSlot slot;

  @BeforeAll
  static void startApi(Infrastructure infrastructure) {
    infra = infrastructure;
    database = TestNames.database("idempotency");
    infra.createDatabase(database);
    meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    api =
        IngestApi.start(
            configFor(infra, database)
                .withIdempotency(new ApiConfig.Idempotency(RETENTION, Duration.ofMillis(500))),
            meters,
            Map.of());
    client = new ApiClient(api);
  }

  @AfterAll
  static void stopApi() {
    if (api != null) {
      api.close();
    }
  }

  @BeforeEach
  void createSlot() throws Exception {
    slot = OutboxSlot.create(infra, database);
  }

  @AfterEach
  void dropSlot() throws Exception {
    slot.close();
  }

  @Test
  void twentyConcurrentRequestsWithOneKeyWriteOneEventAndAllAnswerItsId() throws Exception {
    String key = "concurrent-" + TestNames.database("k");
    ExecutorService pool = Executors.newFixedThreadPool(20);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<HttpResponse<String>>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        Callable<HttpResponse<String>> request =
            () -> {
              go.await();
              return client.postJson(EVENTS, BODY, "Idempotency-Key", key);
            };
        answers.add(pool.submit(request));
      }
      go.countDown();
      List<String> ids = new ArrayList<>();
      int replayed = 0;
      for (Future<HttpResponse<String>> answer : answers) {
        HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        ids.add(new JsonObject(response.body()).getString("eventId"));
        if (response.headers().firstValue("Idempotent-Replayed").isPresent()) {
          replayed++;
        }
      }

      assertThat(Set.copyOf(ids)).hasSize(1);
      assertThat(replayed).isEqualTo(19);
      assertThat(slot.inserts()).singleElement().asString().contains(ids.get(0));
      assertThat(meters.get("offload.api.idempotent.replays").counter().count())
          .isGreaterThanOrEqualTo(19);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aBatchRetryAnswersTheSameIdsInOrder() throws Exception {
    String batch =
        "{\"events\":[{\"type\":\"a\",\"key\":\"1\",\"data\":{}},"
            + "{\"type\":\"b\",\"key\":\"2\",\"data\":{}},{\"type\":\"a\",\"key\":\"3\",\"data\":{}}]}";

    HttpResponse<String> first =
        client.postJson("/v1/events:batch", batch, "Idempotency-Key", "b-1");
    HttpResponse<String> retry =
        client.postJson("/v1/events:batch", batch, "Idempotency-Key", "b-1");

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(retry.statusCode()).isEqualTo(202);
    List<Object> ids = new JsonObject(first.body()).getJsonArray("eventIds").getList();
    assertThat(ids).hasSize(3);
    assertThat(new JsonObject(retry.body()).getJsonArray("eventIds").getList()).isEqualTo(ids);
    assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
    List<String> inserts = slot.inserts();
    assertThat(inserts).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(inserts.get(i)).contains((String) ids.get(i));
    }
  }

  @Test
  void keysAreScopedToTheirAppAndRequestsWithoutAKeyAreNeverDeduplicated() throws Exception {
    HttpResponse<String> a = client.postJson(EVENTS, BODY);
    HttpResponse<String> b = client.postJson(EVENTS, BODY);

    assertThat(new JsonObject(a.body()).getString("eventId"))
        .isNotEqualTo(new JsonObject(b.body()).getString("eventId"));
    assertThat(slot.inserts()).hasSize(2);
  }

  @Test
  void anExpiredKeyIsPurgedAndMayBeUsedAgain() throws Exception {
    HttpResponse<String> first = client.postJson(EVENTS, BODY, "Idempotency-Key", "expiring");
    assertThat(keysNamed("expiring")).isEqualTo(1);

    await().atMost(Duration.ofSeconds(20)).until(() -> keysNamed("expiring") == 0);
    HttpResponse<String> again = client.postJson(EVENTS, BODY, "Idempotency-Key", "expiring");

    assertThat(again.statusCode()).isEqualTo(202);
    assertThat(again.headers().firstValue("Idempotent-Replayed")).isEmpty();
    assertThat(new JsonObject(again.body()).getString("eventId"))
        .isNotEqualTo(new JsonObject(first.body()).getString("eventId"));
    assertThat(slot.inserts()).hasSize(2);
  }

  private static int keysNamed(String key) throws Exception {
    try (Connection c =
            DriverManager.getConnection(
                infra.jdbcUrl(database), infra.postgresUser(), infra.postgresPassword());
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM offload_idempotency_keys WHERE key = '" + key + "'")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
