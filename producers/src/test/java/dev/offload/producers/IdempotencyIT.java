package dev.offload.producers;

import static dev.offload.producers.IngestApiIT.configFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.connectors.ConnectorConfig;
import dev.offload.connectors.OutboxConnector;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.runtime.config.DurationText;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Idempotency-Key} against a real PostgreSQL: retries, concurrent retries and batches answer
 * the first request's ids and write nothing more (read back through a logical replication slot, and
 * on Kafka through the real connector), and expired keys are purged.
 *
 * <p>Each test publishes types of its own, so each reads topics no other test writes. A check on
 * Kafka ends with a sentinel: an event published after the requests under test, with the same key
 * (same partition). The connector produces in commit order, so once the sentinel is read, anything
 * the requests wrote would have been read before it.
 */
@ExtendWith(SharedInfrastructure.class)
class IdempotencyIT {
  private static final String BODY = "{\"key\":\"user-42\",\"data\":{\"plan\":\"pro\"}}";
  private static final Duration RETENTION = Duration.ofSeconds(3);
  private static final Duration ON_KAFKA = Duration.ofSeconds(60);

  @TempDir static Path dir;

  private static Infrastructure infra;
  private static String database;
  private static IngestApi api;
  private static ApiClient client;
  private static PrometheusMeterRegistry meters;
  private static ConnectorConfig connectorConfig;
  private static OutboxConnector connector;

  private OutboxSlot slot;
  private String type;
  private String events;

  @BeforeAll
  static void startApi(Infrastructure infrastructure) {
    infra = infrastructure;
    database = TestNames.database("idempotency");
    infra.createDatabase(database);
    meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    api =
        IngestApi.start(
            configFor(infra, database)
                .with(
                    Map.of(
                        "idempotency.retention",
                        DurationText.format(RETENTION),
                        "idempotency.purge-interval",
                        "500ms")),
            meters,
            Map.of());
    client = new ApiClient(api);
    // After the API, which creates the outbox table the connector's publication is for.
    connectorConfig = TestConnectors.config(infra, database, dir.resolve("offsets.dat"));
    connector = TestConnectors.start(connectorConfig);
  }

  @AfterAll
  static void stopApi() throws Exception {
    if (api != null) {
      api.close();
    }
    if (connector != null) {
      connector.close();
      TestConnectors.dropSlot(connectorConfig);
    }
  }

  @BeforeEach
  void createSlot() throws Exception {
    slot = OutboxSlot.create(infra, database);
    type = TestNames.eventType("signed-up");
    events = "/v1/events/" + type;
    EventTopic.create(infra.bootstrapServers(), type);
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
              return client.postJson(events, BODY, "Idempotency-Key", key);
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
      String sentinel = eventId(client.postJson(events, BODY));
      try (EventTopic topic = new EventTopic(infra.bootstrapServers(), type)) {
        assertThat(topic.readUntilAll(List.of(sentinel), ON_KAFKA))
            .as("one record for the 20 requests, then the sentinel")
            .containsExactly(ids.get(0), sentinel);
      }
      assertThat(connector.failure()).isEmpty();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aBatchRetryAnswersTheSameIdsInOrder() throws Exception {
    String a = TestNames.eventType("a");
    String b = TestNames.eventType("b");
    EventTopic.create(infra.bootstrapServers(), a, b);
    String batch = batch(a, "1", b, "2", a, "3");

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
    List<String> sentinels =
        eventIds(client.postJson("/v1/events:batch", batch(a, "1", a, "3", b, "2")));
    try (EventTopic topicA = new EventTopic(infra.bootstrapServers(), a);
        EventTopic topicB = new EventTopic(infra.bootstrapServers(), b)) {
      // Keys 1 and 3 may be on different partitions: their relative order is not kept.
      assertThat(topicA.readUntilAll(sentinels.subList(0, 2), ON_KAFKA))
          .containsExactlyInAnyOrder(
              (String) ids.get(0), (String) ids.get(2), sentinels.get(0), sentinels.get(1));
      assertThat(topicB.readUntilAll(sentinels.subList(2, 3), ON_KAFKA))
          .containsExactly((String) ids.get(1), sentinels.get(2));
    }
  }

  @Test
  void keysAreScopedToTheirAppAndRequestsWithoutAKeyAreNeverDeduplicated() throws Exception {
    HttpResponse<String> a = client.postJson(events, BODY);
    HttpResponse<String> b = client.postJson(events, BODY);

    assertThat(eventId(a)).isNotEqualTo(eventId(b));
    assertThat(slot.inserts()).hasSize(2);
    try (EventTopic topic = new EventTopic(infra.bootstrapServers(), type)) {
      assertThat(topic.readUntilAll(List.of(eventId(b)), ON_KAFKA))
          .containsExactly(eventId(a), eventId(b));
    }
  }

  @Test
  void anExpiredKeyIsPurgedAndMayBeUsedAgain() throws Exception {
    HttpResponse<String> first = client.postJson(events, BODY, "Idempotency-Key", "expiring");
    assertThat(keysNamed("expiring")).isEqualTo(1);

    await().atMost(Duration.ofSeconds(20)).until(() -> keysNamed("expiring") == 0);
    HttpResponse<String> again = client.postJson(events, BODY, "Idempotency-Key", "expiring");

    assertThat(again.statusCode()).isEqualTo(202);
    assertThat(again.headers().firstValue("Idempotent-Replayed")).isEmpty();
    assertThat(new JsonObject(again.body()).getString("eventId"))
        .isNotEqualTo(new JsonObject(first.body()).getString("eventId"));
    assertThat(slot.inserts()).hasSize(2);
  }

  private static String eventId(HttpResponse<String> accepted) {
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    return new JsonObject(accepted.body()).getString("eventId");
  }

  private static List<String> eventIds(HttpResponse<String> accepted) {
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    List<String> ids = new ArrayList<>();
    new JsonObject(accepted.body()).getJsonArray("eventIds").forEach(id -> ids.add((String) id));
    return ids;
  }

  /** A batch of events with empty data, given as type and key pairs. */
  private static String batch(String... typesAndKeys) {
    List<String> events = new ArrayList<>();
    for (int i = 0; i < typesAndKeys.length; i += 2) {
      events.add(
          "{\"type\":\""
              + typesAndKeys[i]
              + "\",\"key\":\""
              + typesAndKeys[i + 1]
              + "\",\"data\":{}}");
    }
    return "{\"events\":[" + String.join(",", events) + "]}";
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
