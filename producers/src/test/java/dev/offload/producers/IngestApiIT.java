package dev.offload.producers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The API against a real PostgreSQL: what reaches the write-ahead log is read back through a
 * logical replication slot ({@code test_decoding}) created before each test.
 */
@ExtendWith(SharedInfrastructure.class)
class IngestApiIT {
  private static final String TYPE = "user-signed-up";
  private static final String EVENTS = "/v1/events/" + TYPE;
  private static final String VALID_BODY = "{\"key\":\"user-42\",\"data\":{\"plan\":\"pro\"}}";
  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  private static final int MAX_BODY_BYTES = 1024;
  private static final String OUTBOX_INSERT = "table public.offload_outbox: INSERT:";
  private static final String OUTBOX_DELETE = "table public.offload_outbox: DELETE:";

  private static final AtomicBoolean brokerReady = new AtomicBoolean(true);
  private static Infrastructure infra;
  private static String database;
  private static IngestApi api;
  private static ApiClient client;

  private Connection connection;
  private String slot;

  @BeforeAll
  static void startApi(Infrastructure infrastructure) {
    infra = infrastructure;
    database = TestNames.database("api");
    infra.createDatabase(database);
    api =
        IngestApi.start(
            configFor(infra, database)
                .with(Map.of("limits.max-body-bytes", Integer.toString(MAX_BODY_BYTES))),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            Map.of("kafka", brokerReady::get));
    client = new ApiClient(api);
  }

  @AfterAll
  static void stopApi() {
    if (api != null) {
      api.close();
    }
  }

  @BeforeEach
  void createSlot() throws SQLException {
    connection =
        DriverManager.getConnection(
            infra.jdbcUrl(database), infra.postgresUser(), infra.postgresPassword());
    slot = TestNames.database("slot");
    try (PreparedStatement create =
        connection.prepareStatement(
            "SELECT pg_create_logical_replication_slot(?, 'test_decoding')")) {
      create.setString(1, slot);
      create.execute();
    }
  }

  @AfterEach
  void dropSlot() throws SQLException {
    try (PreparedStatement drop =
        connection.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
      drop.setString(1, slot);
      drop.execute();
    } finally {
      connection.close();
    }
  }

  @Test
  void acceptedEventIsInsertedAndDeletedInTheWalAndTheTableStaysEmpty() throws Exception {
    HttpResponse<String> response = client.postJson(EVENTS, VALID_BODY, "traceparent", TRACEPARENT);

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.headers().firstValue("traceparent")).hasValue(TRACEPARENT);
    String eventId = new JsonObject(response.body()).getString("eventId");
    assertThat(UUID.fromString(eventId)).hasToString(eventId);

    List<String> changes = changes();
    assertThat(inserts(changes))
        .singleElement()
        .asString()
        .contains("id[uuid]:'" + eventId + "'")
        .contains("aggregatetype[character varying]:'" + TYPE + "'")
        .contains("aggregateid[character varying]:'user-42'")
        .contains("type[character varying]:'" + TYPE + "'")
        .contains("producer[character varying]:'dev'")
        .contains("traceparent[character varying]:'" + TRACEPARENT + "'");
    // Schemaless (no registry): the payload is the UTF-8 JSON of data, compact.
    assertThat(new String(OutboxSlot.payload(inserts(changes).get(0)), StandardCharsets.UTF_8))
        .isEqualTo("{\"plan\":\"pro\"}");
    assertThat(changes).anyMatch(c -> c.startsWith(OUTBOX_DELETE) && c.contains(eventId));
    assertThat(outboxRows()).isZero();
  }

  @Test
  void requestWithoutAValidTraceparentStartsANewTrace() throws Exception {
    HttpResponse<String> response = client.postJson(EVENTS, VALID_BODY, "traceparent", "garbage");

    assertThat(response.statusCode()).isEqualTo(202);
    String traceparent = response.headers().firstValue("traceparent").orElseThrow();
    assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    assertThat(inserts(changes()))
        .singleElement()
        .asString()
        .contains("traceparent[character varying]:'" + traceparent + "'");
  }

  static Stream<Arguments> rejectedRequests() {
    String json = "application/json";
    String tooLarge = "{\"key\":\"k\",\"data\":{\"pad\":\"" + "x".repeat(MAX_BODY_BYTES) + "\"}}";
    return Stream.of(
        rejected("UserSignedUp", json, fixed(VALID_BODY), 400, "invalid-event-type", "type"),
        rejected(
            TYPE, "text/plain", fixed(VALID_BODY), 415, "unsupported-media-type", "Content-Type"),
        rejected(TYPE, null, fixed(VALID_BODY), 415, "unsupported-media-type", "Content-Type"),
        rejected(TYPE, json, fixed("{\"key\":"), 400, "malformed-json", "body"),
        rejected(TYPE, json, fixed("{\"data\":{}}"), 400, "invalid-key", "key"),
        rejected(TYPE, json, fixed("{\"key\":\" \",\"data\":{}}"), 400, "invalid-key", "key"),
        rejected(TYPE, json, fixed("{\"key\":7,\"data\":{}}"), 400, "invalid-key", "key"),
        rejected(TYPE, json, fixed("{\"key\":\"k\"}"), 400, "invalid-data", "data"),
        rejected(TYPE, json, fixed("{\"key\":\"k\",\"data\":[1]}"), 400, "invalid-data", "data"),
        rejected(TYPE, json, fixed(tooLarge), 413, "payload-too-large", "body"),
        rejected(TYPE, json, chunked(tooLarge), 413, "payload-too-large", "body"));
  }

  @ParameterizedTest(name = "[{index}] {0} {1} -> {3} {4}")
  @MethodSource("rejectedRequests")
  void rejectedRequestIsAnsweredWithTheFieldAtFaultAndWritesNothing(
      String type, String contentType, BodyPublisher body, int status, String error, String field)
      throws Exception {
    HttpResponse<String> response = client.post("/v1/events/" + type, contentType, body);

    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(value -> assertThat(value).startsWith("application/json"));
    JsonObject answer = new JsonObject(response.body());
    assertThat(answer.getString("error")).isEqualTo(error);
    assertThat(answer.getString("field")).isEqualTo(field);
    assertThat(answer.getString("message")).isNotBlank();

    // A valid event published afterwards proves the slot captures writes: it must be the only one.
    String acceptedId = publish();
    assertThat(inserts(changes())).singleElement().asString().contains(acceptedId);
  }

  @Test
  void unknownRouteAndWrongMethodAreAnsweredInJson() throws Exception {
    HttpResponse<String> notFound = client.get("/v1/nothing-here");
    HttpResponse<String> wrongMethod = client.get(EVENTS);
    HttpResponse<String> wrongMethodOnHealth = client.delete("/health/live");

    assertThat(notFound.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(notFound.body()).getString("error")).isEqualTo("not-found");
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(new JsonObject(wrongMethod.body()).getString("error"))
        .isEqualTo("method-not-allowed");
    assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
    assertThat(wrongMethodOnHealth.statusCode()).isEqualTo(405);
    assertThat(wrongMethodOnHealth.headers().firstValue("Allow")).hasValue("GET");
    assertThat(inserts(changes())).isEmpty();
  }

  @Test
  void readinessReportsTheDatabaseAndEveryCheck() throws Exception {
    HttpResponse<String> live = client.get("/health/live");
    HttpResponse<String> ready = client.get("/health/ready");
    brokerReady.set(false);
    HttpResponse<String> notReady;
    try {
      notReady = client.get("/health/ready");
    } finally {
      brokerReady.set(true);
    }

    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(live.body()).getString("status")).isEqualTo("UP");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(ready.body())).isEqualTo(health("UP", "UP", "UP"));
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(new JsonObject(notReady.body())).isEqualTo(health("DOWN", "UP", "DOWN"));
  }

  @Test
  void metricsArePublishedInPrometheusFormat() throws Exception {
    publish();
    client.post(EVENTS, "text/plain", fixed(VALID_BODY));

    HttpResponse<String> metrics = client.get("/metrics");

    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(metrics.body())
        .contains("offload_api_requests_seconds_bucket{route=\"/v1/events/{type}\",status=\"202\"")
        .contains("offload_api_rejections_total{reason=\"unsupported-media-type\"}")
        .contains("offload_outbox_write_seconds_count{outcome=\"success\"}");
  }

  /** Configuration of an API on a free port, writing to {@code db} on the shared server. */
  static ApiConfig configFor(Infrastructure infra, String db) {
    return ApiConfig.of(infra.jdbcUrl(db), infra.postgresUser(), infra.postgresPassword());
  }

  private static JsonObject health(String status, String database, String kafka) {
    return new JsonObject()
        .put("status", status)
        .put("checks", new JsonObject().put("database", database).put("kafka", kafka));
  }

  private String publish() throws Exception {
    HttpResponse<String> response = client.postJson(EVENTS, VALID_BODY);
    assertThat(response.statusCode()).isEqualTo(202);
    return new JsonObject(response.body()).getString("eventId");
  }

  private List<String> changes() throws SQLException {
    List<String> changes = new ArrayList<>();
    try (PreparedStatement get =
        connection.prepareStatement(
            "SELECT data FROM pg_logical_slot_get_changes(?, NULL, NULL)")) {
      get.setString(1, slot);
      try (ResultSet rs = get.executeQuery()) {
        while (rs.next()) {
          changes.add(rs.getString(1));
        }
      }
    }
    return changes;
  }

  private static List<String> inserts(List<String> changes) {
    return changes.stream().filter(c -> c.startsWith(OUTBOX_INSERT)).toList();
  }

  private long outboxRows() throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM offload_outbox")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static Arguments rejected(
      String type, String contentType, BodyPublisher body, int status, String error, String field) {
    return Arguments.of(type, contentType, body, status, error, field);
  }

  private static BodyPublisher fixed(String body) {
    return BodyPublishers.ofString(body);
  }

  private static BodyPublisher chunked(String body) {
    // Unknown length: sent with chunked transfer encoding, so the limit is enforced while reading.
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes));
  }
}
