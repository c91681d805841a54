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
import dev.offload.schemas.events.PageViewed;
import dev.offload.schemas.events.UserSignedUp;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every class of bad input to an API that requires keys, against a real PostgreSQL: each is
 * answered with its precise status and a JSON error naming the field at fault, never a 5xx, and
 * nothing reaches the outbox (read back through a logical replication slot; a valid event sent
 * afterwards must be the only insert) nor Kafka.
 *
 * <p>Kafka is read through the real connector. Each test publishes types of its own (registered
 * with the built-in schemas), so its topics hold only what it wrote. After the test, a valid
 * sentinel event is published; once it is on Kafka, the topic must hold exactly the events the test
 * saw answered {@code 202}, in order, then the sentinel (they all have one key, hence one
 * partition, and the connector produces in commit order, so anything written before the sentinel
 * would have been read before it), and no topic may exist for the types that were refused.
 */
@ExtendWith(SharedInfrastructure.class)
class IngestRejectionsIT {
  private static final String UNKNOWN = TestNames.eventType("no-such-type");
  private static final String BATCH = "/v1/events:batch";
  private static final String VALID_DATA =
      "{\"userId\":\"42\",\"email\":\"ada@example.com\",\"name\":\"Ada\"}";
  private static final String VALID_USER = "{\"key\":\"user-42\",\"data\":" + VALID_DATA + "}";
  private static final int MAX_BODY_BYTES = 4096;
  private static final int MAX_BATCH = 5;
  private static final int BURST = 10;
  private static final Duration KEY_CACHE_TTL = Duration.ofMillis(300);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration ON_KAFKA = Duration.ofSeconds(60);
  private static final AtomicInteger apps = new AtomicInteger();
  private static final List<String> accepted = Collections.synchronizedList(new ArrayList<>());

  @TempDir static Path dir;

  private static Infrastructure infra;
  private static String database;
  private static IngestApi api;
  private static ApiClient client;
  private static Connection connection;
  private static ProducerApps registered;
  private static ControllableRegistry registry;
  private static ConnectorConfig connectorConfig;
  private static OutboxConnector connector;

  private OutboxSlot slot;
  private String type;
  private String userEvents;
  private String pageViewed;
  private final List<String> refusedTypes = new ArrayList<>();

  @BeforeAll
  static void startApi(Infrastructure infrastructure) throws Exception {
    infra = infrastructure;
    database = TestNames.database("rejections");
    infra.createDatabase(database);
    registry = new ControllableRegistry();
    ApiConfig config =
        configFor(infra, database)
            .with(
                Map.ofEntries(
                    Map.entry("auth.required", "true"),
                    Map.entry("auth.key-cache-ttl", DurationText.format(KEY_CACHE_TTL)),
                    Map.entry("limits.max-body-bytes", Integer.toString(MAX_BODY_BYTES)),
                    Map.entry("limits.max-batch-events", Integer.toString(MAX_BATCH)),
                    Map.entry("limits.max-nesting-depth", "8"),
                    Map.entry("limits.max-string-length", "1000"),
                    Map.entry("limits.max-number-length", "30"),
                    Map.entry("limits.request-timeout", DurationText.format(REQUEST_TIMEOUT)),
                    Map.entry("rate-limit.events-per-second", "1"),
                    Map.entry("rate-limit.burst", Integer.toString(BURST))));
    api =
        IngestApi.start(
            config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Map.of(), registry);
    client = new ApiClient(api, IngestRejectionsIT::recordAccepted);
    // After the API, which creates the outbox table the connector's publication is for.
    connectorConfig = TestConnectors.config(infra, database, dir.resolve("offsets.dat"));
    connector = TestConnectors.start(connectorConfig);
    connection =
        DriverManager.getConnection(
            infra.jdbcUrl(database), infra.postgresUser(), infra.postgresPassword());
    registered = new ProducerApps(connection);
  }

  @AfterAll
  static void stopApi() throws Exception {
    if (api != null) {
      api.close();
    }
    if (connection != null) {
      connection.close();
    }
    if (connector != null) {
      connector.close();
      TestConnectors.dropSlot(connectorConfig);
    }
  }

  @BeforeEach
  void createSlotAndTypes() throws Exception {
    slot = OutboxSlot.create(infra, database);
    accepted.clear();
    type = TestNames.eventType("signed-up");
    userEvents = "/v1/events/" + type;
    pageViewed = TestNames.eventType("page-viewed");
    registry.register(TestSchemas.subject(type), UserSignedUp.getClassSchema());
    registry.register(TestSchemas.subject(pageViewed), PageViewed.getClassSchema());
    refusedTypes.addAll(List.of(UNKNOWN, pageViewed));
    EventTopic.create(infra.bootstrapServers(), type);
  }

  @AfterEach
  void onlyAcceptedEventsReachedKafka() throws Exception {
    try {
      HttpResponse<String> sentinel = client.postJson(userEvents, VALID_USER, bearer(newKey("*")));
      assertThat(sentinel.statusCode()).as(sentinel.body()).isEqualTo(202);
      try (EventTopic topic = new EventTopic(infra.bootstrapServers(), type)) {
        assertThat(topic.readUntilAll(List.of(eventId(sentinel)), ON_KAFKA))
            .as("%s: the events answered 202, then the sentinel", type)
            .containsExactlyElementsOf(accepted);
        assertThat(topic.existing(refusedTypes)).as("topics of refused types").isEmpty();
      }
      assertThat(connector.failure()).isEmpty();
    } finally {
      slot.close();
    }
  }

  @Test
  void malformedJson() throws Exception {
    String key = newKey("*");
    assertRefused(
        client.postJson(userEvents, "{\"key\":", bearer(key)), 400, "malformed-json", "body");
    assertRefused(
        client.postJson(BATCH, "{\"events\":[", bearer(key)), 400, "malformed-json", "body");
  }

  @Test
  void wrongContentType() throws Exception {
    String key = newKey("*");
    assertRefused(
        client.post(userEvents, "text/plain", BodyPublishers.ofString(VALID_USER), bearer(key)),
        415,
        "unsupported-media-type",
        "Content-Type");
    assertRefused(
        client.post(BATCH, null, BodyPublishers.ofString(batch(event())), bearer(key)),
        415,
        "unsupported-media-type",
        "Content-Type");
  }

  @Test
  void unknownType() throws Exception {
    String key = newKey("*");
    assertRefused(
        client.postJson("/v1/events/" + UNKNOWN, VALID_USER, bearer(key)),
        404,
        "unknown-event-type",
        "type");
    HttpResponse<String> inBatch =
        client.postJson(BATCH, batch(event(), typed(UNKNOWN)), bearer(key));
    JsonObject error = assertRefused(inBatch, 400, "unknown-event-type", "events[1].type");
    assertThat(error.getInteger("index")).isEqualTo(1);
    assertThat(error.getJsonArray("knownTypes").getList()).contains("user-signed-up");
  }

  @Test
  void schemaInvalidData() throws Exception {
    String key = newKey("*");
    JsonObject error =
        assertRefused(
            client.postJson(
                userEvents,
                "{\"key\":\"k\",\"data\":{\"userId\":\"1\",\"email\":7,\"name\":\"A\"}}",
                bearer(key)),
            400,
            "invalid-data",
            "data");
    assertThat(error.getJsonArray("violations").getJsonObject(0).getString("field"))
        .isEqualTo("data.email");
  }

  @Test
  void oneInvalidEventInsideABatchRefusesTheWholeBatch() throws Exception {
    String key = newKey("*");
    String bad =
        "{\"type\":\"" + type + "\",\"key\":\"k\",\"data\":{\"userId\":\"1\",\"name\":\"A\"}}";

    JsonObject error =
        assertRefused(
            client.postJson(BATCH, batch(event(), event(), bad, event()), bearer(key)),
            400,
            "invalid-data",
            "events[2].data");

    assertThat(error.getInteger("index")).isEqualTo(2);
    assertThat(error.getString("message")).startsWith("events[2]: ");
    assertThat(error.getJsonArray("violations"))
        .containsExactly(
            new JsonObject()
                .put("field", "events[2].data.email")
                .put("message", "missing required field"));
    assertRefused(
        client.postJson(
            BATCH, batch(event(), "{\"type\":\"" + type + "\",\"data\":{}}"), bearer(key)),
        400,
        "invalid-key",
        "events[1].key");
  }

  @Test
  void batchOverTheLimit() throws Exception {
    String key = newKey("*");
    String[] events = new String[MAX_BATCH + 1];
    java.util.Arrays.fill(events, event());

    JsonObject error =
        assertRefused(
            client.postJson(BATCH, batch(events), bearer(key)), 413, "too-many-events", "events");

    assertThat(error.getString("message")).contains("at most " + MAX_BATCH).contains("has 6");
    assertRefused(
        client.postJson(BATCH, "{\"events\":[]}", bearer(key)), 400, "invalid-batch", "events");
  }

  @Test
  void oversizeBody() throws Exception {
    String key = newKey("*");
    String tooLarge = "{\"key\":\"k\",\"data\":{\"pad\":\"" + "x".repeat(MAX_BODY_BYTES) + "\"}}";
    assertRefused(
        client.postJson(userEvents, tooLarge, bearer(key)), 413, "payload-too-large", "body");
  }

  @Test
  void contentLengthLargerThanTheBody() throws Exception {
    String key = newKey("*");
    byte[] body = VALID_USER.getBytes(StandardCharsets.UTF_8);
    long started = System.nanoTime();

    RawHttp.Answer answer =
        RawHttp.send(
            api.port(),
            head(userEvents, key, body.length + 100),
            body,
            (int) REQUEST_TIMEOUT.toMillis() * 5);

    assertThat(answer.status()).as(answer.head()).isEqualTo(400);
    JsonObject error = new JsonObject(answer.body());
    assertThat(error.getString("error")).isEqualTo("incomplete-body");
    assertThat(error.getString("field")).isEqualTo("body");
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isLessThan(REQUEST_TIMEOUT.multipliedBy(3));
    assertNothingWrittenButTheNextValidEvent();
  }

  @Test
  void contentLengthSmallerThanTheBody() throws Exception {
    String key = newKey("*");
    byte[] body = VALID_USER.getBytes(StandardCharsets.UTF_8);

    RawHttp.Answer answer =
        RawHttp.send(api.port(), head(userEvents, key, body.length - 10), body, 10_000);

    assertThat(answer.status()).as(answer.head()).isEqualTo(400);
    assertThat(new JsonObject(answer.body()).getString("error")).isEqualTo("malformed-json");
    assertNothingWrittenButTheNextValidEvent();
  }

  @Test
  void deepNesting() throws Exception {
    String key = newKey("*");
    String deep = "{\"a\":".repeat(10) + "1" + "}".repeat(10);
    JsonObject error =
        assertRefused(
            client.postJson(userEvents, "{\"key\":\"k\",\"data\":" + deep + "}", bearer(key)),
            400,
            "limit-exceeded",
            "body");
    assertThat(error.getString("limit")).isEqualTo("maxNestingDepth");
    assertThat(error.getInteger("max")).isEqualTo(8);
  }

  @Test
  void hugeNumber() throws Exception {
    String key = newKey("*");
    JsonObject error =
        assertRefused(
            client.postJson(
                userEvents, "{\"key\":\"k\",\"data\":{\"n\":" + "9".repeat(31) + "}}", bearer(key)),
            400,
            "limit-exceeded",
            "body");
    assertThat(error.getString("limit")).isEqualTo("maxNumberLength");
  }

  @Test
  void longString() throws Exception {
    String key = newKey("*");
    JsonObject error =
        assertRefused(
            client.postJson(
                userEvents,
                "{\"key\":\"k\",\"data\":{\"s\":\"" + "x".repeat(1001) + "\"}}",
                bearer(key)),
            400,
            "limit-exceeded",
            "body");
    assertThat(error.getString("limit")).isEqualTo("maxStringLength");
  }

  @Test
  void invalidUtf8() throws Exception {
    String key = newKey("*");
    byte[] prefix = "{\"key\":\"k\",\"data\":{\"userId\":\"".getBytes(StandardCharsets.UTF_8);
    byte[] suffix = "\",\"email\":\"a@b\",\"name\":\"A\"}}".getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[prefix.length + 2 + suffix.length];
    System.arraycopy(prefix, 0, body, 0, prefix.length);
    body[prefix.length] = (byte) 0xC3; // a lead byte followed by ASCII: not UTF-8
    body[prefix.length + 1] = (byte) 0x28;
    System.arraycopy(suffix, 0, body, prefix.length + 2, suffix.length);

    JsonObject error =
        assertRefused(
            client.post(
                userEvents, "application/json", BodyPublishers.ofByteArray(body), bearer(key)),
            400,
            "invalid-encoding",
            "body");
    assertThat(error.getString("message")).contains("offset " + prefix.length);
  }

  @Test
  void missingKey() throws Exception {
    HttpResponse<String> response = client.postJson(userEvents, VALID_USER);
    assertRefused(response, 401, "missing-api-key", "Authorization");
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValue("Bearer realm=\"offload\"");
    assertRefused(client.postJson(BATCH, batch(event())), 401, "missing-api-key", "Authorization");
  }

  @Test
  void invalidKey() throws Exception {
    assertRefused(
        client.postJson(userEvents, VALID_USER, bearer(ApiKeys.generate())),
        401,
        "invalid-api-key",
        "Authorization");
    assertRefused(
        client.postJson(userEvents, VALID_USER, "Authorization", "Bearer not-a-key"),
        401,
        "invalid-api-key",
        "Authorization");
    assertRefused(
        client.postJson(userEvents, VALID_USER, "Authorization", "Basic dXNlcjpwYXNz"),
        401,
        "invalid-api-key",
        "Authorization");
  }

  @Test
  void revokedKey() throws Exception {
    String name = "revoked-" + apps.incrementAndGet();
    String key = registered.create(name, List.of("*")).key();
    assertThat(client.postJson(userEvents, VALID_USER, bearer(key)).statusCode()).isEqualTo(202);
    slot.inserts();

    registered.revoke(name);

    // In force within the key cache time.
    await()
        .atMost(KEY_CACHE_TTL.multipliedBy(10))
        .until(() -> client.postJson(userEvents, VALID_USER, bearer(key)).statusCode() == 401);
    slot.inserts(); // what was accepted until then
    assertRefused(
        client.postJson(userEvents, VALID_USER, bearer(key)),
        401,
        "revoked-api-key",
        "Authorization");
  }

  @Test
  void forbiddenType() throws Exception {
    String key = newKey(pageViewed);
    JsonObject error =
        assertRefused(
            client.postJson(userEvents, VALID_USER, bearer(key)),
            403,
            "forbidden-event-type",
            "type");
    assertThat(error.getString("message")).contains(type);
    String view = "{\"type\":\"" + pageViewed + "\",\"key\":\"s\",\"data\":{\"path\":\"/\"}}";
    assertRefused(
        client.postJson(BATCH, batch(view, event()), bearer(key)),
        403,
        "forbidden-event-type",
        "events[1].type");
  }

  @Test
  void rateLimitExceeded() throws Exception {
    String key = newKey("*");
    String full = batch(event(), event(), event(), event(), event());
    for (int i = 0; i < BURST / MAX_BATCH; i++) {
      assertThat(client.postJson(BATCH, full, bearer(key)).statusCode()).isEqualTo(202);
    }
    assertThat(slot.inserts()).hasSize(BURST);

    HttpResponse<String> limited = client.postJson(BATCH, full, bearer(key));
    HttpResponse<String> single = client.postJson(userEvents, VALID_USER, bearer(key));

    JsonObject error = assertRefused(limited, 429, "rate-limited", null);
    assertThat(limited.headers().firstValue("Retry-After")).isPresent();
    assertThat(Long.parseLong(limited.headers().firstValue("Retry-After").get())).isPositive();
    assertThat(error.getLong("retryAfterSeconds")).isPositive();
    assertRefused(single, 429, "rate-limited", null);
    HttpResponse<String> metrics = client.get("/metrics");
    assertThat(metrics.body())
        .contains("offload_api_rejections_total{reason=\"rate-limited\"}")
        .contains("offload_api_rate_limited_total{app=\"app-");
  }

  @Test
  void noAnswerWithinTheRequestTimeoutIs503() throws Exception {
    String key = newKey("*");
    String slowType = TestSchemas.uniqueType("slow-type");
    refusedTypes.add(slowType);
    registry.hold(); // the schema lookup of a type never seen blocks
    HttpResponse<String> response;
    long started = System.nanoTime();
    try {
      response = client.postJson("/v1/events/" + slowType, VALID_USER, bearer(key));
    } finally {
      registry.open();
    }

    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isLessThan(REQUEST_TIMEOUT.multipliedBy(3));
    JsonObject error = assertRefused(response, 503, "timeout", null);
    assertThat(response.headers().firstValue("Retry-After")).isPresent();
    assertThat(error.getString("message")).contains("Idempotency-Key");
  }

  @Test
  void invalidOrReusedIdempotencyKey() throws Exception {
    String key = newKey("*");
    assertRefused(
        client.postJson(userEvents, VALID_USER, bearer(key, "Idempotency-Key", "has space")),
        400,
        "invalid-idempotency-key",
        "Idempotency-Key");
    HttpResponse<String> first =
        client.postJson(userEvents, VALID_USER, bearer(key, "Idempotency-Key", "order-1"));
    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(slot.inserts()).hasSize(1);

    String other = "{\"key\":\"user-43\",\"data\":" + VALID_DATA + "}";
    assertRefused(
        client.postJson(userEvents, other, bearer(key, "Idempotency-Key", "order-1")),
        422,
        "idempotency-key-reused",
        "Idempotency-Key");
    assertRefused(
        client.postJson(BATCH, batch(event()), bearer(key, "Idempotency-Key", "order-1")),
        422,
        "idempotency-key-reused",
        "Idempotency-Key");
  }

  // --- helpers

  /**
   * Checks the answer: {@code status}, a JSON error with {@code error} and {@code field} (absent
   * when null) and a message; then that nothing reached the outbox.
   */
  private JsonObject assertRefused(
      HttpResponse<String> response, int status, String error, String field) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    JsonObject body = new JsonObject(response.body());
    assertThat(body.getString("error")).isEqualTo(error);
    assertThat(body.getString("field")).isEqualTo(field);
    assertThat(body.getString("message")).isNotBlank();
    assertNothingWrittenButTheNextValidEvent();
    return body;
  }

  /** A valid event published now, by a fresh app, must be the only insert since the last read. */
  private void assertNothingWrittenButTheNextValidEvent() throws Exception {
    HttpResponse<String> valid = client.postJson(userEvents, VALID_USER, bearer(newKey("*")));
    assertThat(valid.statusCode()).as(valid.body()).isEqualTo(202);
    assertThat(slot.inserts()).singleElement().asString().contains(eventId(valid));
  }

  /** Notes the ids of an answer {@code 202}, which must all reach Kafka, in order. */
  private static void recordAccepted(HttpResponse<String> answer) {
    if (answer.statusCode() != 202) {
      return;
    }
    JsonObject body = new JsonObject(answer.body());
    if (body.containsKey("eventIds")) {
      body.getJsonArray("eventIds").forEach(id -> accepted.add((String) id));
    } else {
      accepted.add(body.getString("eventId"));
    }
  }

  private static String eventId(HttpResponse<String> answer) {
    return new JsonObject(answer.body()).getString("eventId");
  }

  private static String newKey(String... types) throws Exception {
    return registered.create("app-" + apps.incrementAndGet(), List.of(types)).key();
  }

  private static String[] bearer(String key, String... more) {
    String[] headers = new String[2 + more.length];
    headers[0] = "Authorization";
    headers[1] = "Bearer " + key;
    System.arraycopy(more, 0, headers, 2, more.length);
    return headers;
  }

  private static String head(String path, String key, int contentLength) {
    return "POST "
        + path
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer "
        + key
        + "\r\nContent-Length: "
        + contentLength;
  }

  private String event() {
    return typed(type);
  }

  private static String typed(String type) {
    return "{\"type\":\"" + type + "\",\"key\":\"user-42\",\"data\":" + VALID_DATA + "}";
  }

  private static String batch(String... events) {
    List<Object> list = new ArrayList<>();
    for (String e : events) {
      list.add(new JsonObject(e));
    }
    return new JsonObject().put("events", new JsonArray(list)).encode();
  }
}
