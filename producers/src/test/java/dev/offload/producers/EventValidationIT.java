package dev.offload.producers;

import static dev.offload.producers.IngestApiIT.configFor;
import static dev.offload.producers.TestSchemas.kitchenSink;
import static dev.offload.producers.TestSchemas.record;
import static dev.offload.producers.TestSchemas.subject;
import static dev.offload.producers.TestSchemas.uniqueType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.runtime.config.DurationText;
import dev.offload.schemas.BuiltInEventTypes;
import dev.offload.schemas.serde.AvroDeserializer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
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
 * Validation at the door against a real PostgreSQL and an in-memory schema registry: unknown types
 * and invalid data are refused with nothing reaching the outbox (read back through a logical
 * replication slot), valid events of built-in and run-time types are accepted, and {@code GET
 * /v1/event-types} lists them. {@link SchemaRegistryOutageIT} covers a failing registry.
 */
@ExtendWith(SharedInfrastructure.class)
class EventValidationIT {
  private static final String SINK_TYPE = "kitchen-sink";
  private static final Duration CACHE_TTL = Duration.ofMillis(300);
  private static final String VALID_USER =
      "{\"key\":\"user-42\",\"data\":{\"userId\":\"user-42\",\"email\":\"ada@example.com\","
          + "\"name\":\"Ada\"}}";
  private static final String VALID_SINK =
      "{\"id\":\"6f1c2a52-3f56-4d7e-9a55-2d1f0c7e8b10\",\"name\":\"Ada\",\"count\":3,\"total\":10,"
          + "\"ratio\":0.5,\"score\":1.25,\"active\":true,\"nothing\":null,\"plan\":\"PRO\","
          + "\"at\":\"2024-05-01T12:00:00Z\",\"atMicros\":1714564800000000,\"day\":\"2024-05-01\","
          + "\"time\":\"12:00:00\",\"price\":\"12.34\",\"checksum\":\"AAECAwQFBgcICQoLDA0ODw==\","
          + "\"blob\":\"aGk=\",\"tags\":[\"a\"],\"labels\":{\"a\":1},\"address\":{\"city\":\"Paris\"},"
          + "\"items\":[{\"sku\":\"x\"}],\"choice\":\"c\",\"flag\":true}";

  private static Infrastructure infra;
  private static String database;
  private static ControllableRegistry registry;
  private static Schema sinkSchema;
  private static IngestApi api;
  private static ApiClient client;

  private OutboxSlot slot;

  @BeforeAll
  static void startApi(Infrastructure infrastructure) {
    infra = infrastructure;
    database = TestNames.database("validation");
    infra.createDatabase(database);
    registry = new ControllableRegistry();
    sinkSchema = kitchenSink();
    registry.register(subject(SINK_TYPE), sinkSchema);
    api =
        IngestApi.start(
            configFor(infra, database)
                .with(Map.of("registry.cache-ttl", DurationText.format(CACHE_TTL))),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            Map.of(),
            registry);
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
  void builtInSchemasAreRegisteredAtStart() {
    assertThat(registry.subjects())
        .contains(
            subject("user-signed-up"),
            subject("password-reset-requested"),
            subject("document-changed"),
            subject("page-viewed"));
    assertThat(registry.latest(subject("user-signed-up")).schema())
        .isEqualTo(BuiltInEventTypes.USER_SIGNED_UP.schema());
  }

  @Test
  void validBuiltInEventIsAcceptedAndWrittenAsSent() throws Exception {
    HttpResponse<String> response = client.postJson("/v1/events/user-signed-up", VALID_USER);

    assertThat(response.statusCode()).isEqualTo(202);
    String eventId = new JsonObject(response.body()).getString("eventId");
    List<String> inserts = slot.inserts();
    assertThat(inserts).singleElement().asString().contains(eventId);
    byte[] payload = OutboxSlot.payload(inserts.get(0));
    int id = registry.latest(subject("user-signed-up")).id();
    assertThat(payload[0]).as("magic byte").isZero();
    assertThat(ByteBuffer.wrap(payload, 1, 4).getInt()).as("schema id").isEqualTo(id);
    GenericRecord written = read(payload);
    assertThat(written.getSchema()).isEqualTo(BuiltInEventTypes.USER_SIGNED_UP.schema());
    assertThat(written.get("userId")).hasToString("user-42");
    assertThat(written.get("email")).hasToString("ada@example.com");
    assertThat(written.get("name")).hasToString("Ada");
    assertThat(written.get("locale")).isNull();
  }

  @Test
  void dataUsingEveryKindOfValueIsAccepted() throws Exception {
    HttpResponse<String> response = post(SINK_TYPE, new JsonObject(VALID_SINK));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    GenericRecord written = read(OutboxSlot.payload(slot.inserts().get(0)));
    assertThat(written.get("name")).hasToString("Ada");
    assertThat(written.get("plan")).hasToString("PRO");
    assertThat(written.get("at")).isEqualTo(1714564800000L);
  }

  @Test
  void unknownTypeIsAnswered404ListingTheKnownTypesAndWritesNothing() throws Exception {
    HttpResponse<String> response = post("no-such-type", new JsonObject());
    HttpResponse<String> malformed = client.postJson("/v1/events/no-such-type", "{\"key\":");

    assertThat(response.statusCode()).isEqualTo(404);
    JsonObject body = new JsonObject(response.body());
    assertThat(body.getString("error")).isEqualTo("unknown-event-type");
    assertThat(body.getString("field")).isEqualTo("type");
    assertThat(body.getString("message"))
        .contains("no-such-type")
        .contains("offload.events.no-such-type-value");
    List<Object> known = body.getJsonArray("knownTypes").getList();
    assertThat(known)
        .contains("document-changed", "kitchen-sink", "page-viewed", "user-signed-up")
        .isSorted();
    assertThat(malformed.statusCode()).isEqualTo(404);
    assertNothingWrittenButTheNextValidEvent();
  }

  @Test
  void typeRegisteredAtRunTimeIsPublishableWithoutRestart() throws Exception {
    String type = uniqueType("invoice-paid");
    JsonObject data = new JsonObject().put("invoiceId", "inv-1").put("amountCents", 1200);
    assertThat(post(type, data).statusCode()).isEqualTo(404);

    registry.register(
        subject(type),
        record(
            "InvoicePaid",
            "{\"name\":\"invoiceId\",\"type\":\"string\"},"
                + "{\"name\":\"amountCents\",\"type\":\"long\"}"));

    await().atMost(Duration.ofSeconds(10)).until(() -> post(type, data).statusCode() == 202);
    assertThat(slot.inserts()).singleElement().asString().contains(type);
  }

  @Test
  void newSchemaVersionIsInForceOnceTheCacheExpires() throws Exception {
    String type = uniqueType("order-placed");
    registry.register(
        subject(type), record("OrderPlaced", "{\"name\":\"orderId\",\"type\":\"string\"}"));
    JsonObject withCoupon = new JsonObject().put("orderId", "o-1").put("coupon", "SPRING");
    assertThat(violations(post(type, withCoupon)))
        .containsExactly(violation("data.coupon", "unknown field"));

    registry.register(
        subject(type),
        record(
            "OrderPlaced",
            "{\"name\":\"orderId\",\"type\":\"string\"}",
            "{\"name\":\"coupon\",\"type\":[\"null\",\"string\"],\"default\":null}"));

    await().atMost(Duration.ofSeconds(10)).until(() -> post(type, withCoupon).statusCode() == 202);
    byte[] payload = OutboxSlot.payload(slot.inserts().get(0));
    assertThat(ByteBuffer.wrap(payload, 1, 4).getInt())
        .isEqualTo(registry.latest(subject(type)).id());
    assertThat(read(payload).get("coupon")).hasToString("SPRING");
  }

  @Test
  void typeWhoseSchemaIsNotARecordIsAnswered500AndWritesNothing() throws Exception {
    String type = uniqueType("counters");
    registry.register(
        subject(type), new Schema.Parser().parse("{\"type\":\"map\",\"values\":\"long\"}"));

    HttpResponse<String> response = post(type, new JsonObject().put("a", 1));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(500);
    assertThat(new JsonObject(response.body()).getString("error")).isEqualTo("internal-error");
    assertNothingWrittenButTheNextValidEvent();
  }

  static Stream<Arguments> invalidData() {
    return Stream.of(
        invalid("wrong type", d -> d.put("name", 7), "data.name", "expected string, got number"),
        invalid("null", d -> d.putNull("name"), "data.name", "expected string, got null"),
        invalid("missing", d -> d.remove("name"), "data.name", "missing required field"),
        invalid("unknown", d -> d.put("nickname", "x"), "data.nickname", "unknown field"),
        invalid(
            "enum", d -> d.put("plan", "GOLD"), "data.plan", "not one of [FREE, PRO, ENTERPRISE]"),
        invalid(
            "timestamp",
            d -> d.put("at", "yesterday"),
            "data.at",
            "not an ISO-8601 value; expected timestamp-millis as ISO-8601 string or epoch millis"),
        invalid(
            "date",
            d -> d.put("day", "2024-02-30"),
            "data.day",
            "not an ISO-8601 value; expected date as ISO-8601 string (yyyy-MM-dd) or days since"
                + " 1970-01-01"),
        invalid("uuid", d -> d.put("id", "42"), "data.id", "not a UUID"),
        invalid(
            "int range",
            d -> d.put("count", 3_000_000_000L),
            "data.count",
            "number out of range for int (-2147483648 to 2147483647)"),
        invalid(
            "fraction",
            d -> d.put("total", 1.5),
            "data.total",
            "expected long, got a number with a fraction"),
        invalid(
            "decimal",
            d -> d.put("price", 1.234),
            "data.price",
            "more than 2 decimal places for decimal(9,2)"),
        invalid("bytes", d -> d.put("blob", "!!"), "data.blob", "not valid base64"),
        invalid(
            "array element",
            d -> d.put("tags", new JsonArray().add("a").add("b").add(3)),
            "data.tags[2]",
            "expected string, got number"),
        invalid(
            "nested record",
            d -> d.put("address", new JsonObject().put("city", 5)),
            "data.address.city",
            "expected string, got number"),
        invalid(
            "array of records",
            d ->
                d.put(
                    "items",
                    new JsonArray().add(new JsonObject().put("sku", "x")).add(new JsonObject())),
            "data.items[1].sku",
            "missing required field"),
        invalid(
            "map value",
            d -> d.put("labels", new JsonObject().put("a", "x")),
            "data.labels.a",
            "expected long, got string"),
        invalid("optional", d -> d.put("note", 5), "data.note", "expected string, got number"),
        invalid(
            "union",
            d -> d.put("choice", true),
            "data.choice",
            "expected one of [string, long], got boolean"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidData")
  void invalidDataIsAnswered400NamingTheFieldAndWritesNothing(
      String kind, Consumer<JsonObject> damage, String field, String message) throws Exception {
    JsonObject data = new JsonObject(VALID_SINK);
    damage.accept(data);

    HttpResponse<String> response = post(SINK_TYPE, data);

    assertThat(response.statusCode()).isEqualTo(400);
    JsonObject body = new JsonObject(response.body());
    assertThat(body.getString("error")).isEqualTo("invalid-data");
    assertThat(body.getString("field")).isEqualTo("data");
    assertThat(body.getString("message")).contains("'kitchen-sink' (version 1): 1 violation");
    assertThat(violations(response)).containsExactly(violation(field, message));
    assertNothingWrittenButTheNextValidEvent();
  }

  @Test
  void everyViolationIsListedInOneAnswer() throws Exception {
    String body =
        "{\"key\":\"u\",\"data\":{\"userId\":1,\"email\":true,\"locale\":[],\"plan\":\"pro\"}}";

    HttpResponse<String> response = client.postJson("/v1/events/user-signed-up", body);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(response.body()).getString("message")).endsWith(": 5 violations");
    assertThat(violations(response))
        .containsExactly(
            violation("data.userId", "expected string, got number"),
            violation("data.email", "expected string, got boolean"),
            violation("data.name", "missing required field"),
            violation("data.locale", "expected string, got array"),
            violation("data.plan", "unknown field"));
    assertNothingWrittenButTheNextValidEvent();
  }

  @Test
  void eventTypesListsEveryTypeWithItsLatestSchemaSortedByType() throws Exception {
    String type = uniqueType("zz-user-type");
    Schema schema = record("ZzUserType", "{\"name\":\"n\",\"type\":\"int\"}");
    int id = registry.register(subject(type), schema);
    registry.register("some-other-subject-value", schema);

    HttpResponse<String> response = client.get("/v1/event-types");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonArray types = new JsonObject(response.body()).getJsonArray("eventTypes");
    List<String> names = types.stream().map(t -> ((JsonObject) t).getString("type")).toList();
    assertThat(names)
        .contains("document-changed", "kitchen-sink", "page-viewed", "password-reset-requested")
        .contains("user-signed-up", type)
        .isSorted()
        .doesNotHaveDuplicates();
    JsonObject userType = types.getJsonObject(names.indexOf(type));
    assertThat(userType.getString("subject")).isEqualTo(subject(type));
    assertThat(userType.getInteger("version")).isEqualTo(1);
    assertThat(userType.getInteger("id")).isEqualTo(id);
    assertThat(userType.getJsonObject("schema")).isEqualTo(new JsonObject(schema.toString()));
    JsonObject builtIn = types.getJsonObject(names.indexOf("user-signed-up"));
    assertThat(builtIn.getJsonObject("schema").getString("name")).isEqualTo("UserSignedUp");
  }

  private void assertNothingWrittenButTheNextValidEvent() throws Exception {
    // A valid event published afterwards proves the slot captures writes: it must be the only one.
    HttpResponse<String> accepted = client.postJson("/v1/events/user-signed-up", VALID_USER);
    assertThat(accepted.statusCode()).isEqualTo(202);
    String eventId = new JsonObject(accepted.body()).getString("eventId");
    assertThat(slot.inserts()).singleElement().asString().contains(eventId);
  }

  /** The outbox payload read back with the registry, as a consumer reads the Kafka value. */
  private static GenericRecord read(byte[] payload) {
    return AvroDeserializer.generic(registry).deserialize("outbox", payload);
  }

  private static HttpResponse<String> post(String type, JsonObject data) throws Exception {
    return client.postJson("/v1/events/" + type, request(data));
  }

  private static String request(JsonObject data) {
    return new JsonObject().put("key", "k-1").put("data", data).encode();
  }

  private static List<JsonObject> violations(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    JsonArray violations = new JsonObject(response.body()).getJsonArray("violations");
    return violations.stream().map(JsonObject.class::cast).toList();
  }

  private static JsonObject violation(String field, String message) {
    return new JsonObject().put("field", field).put("message", message);
  }

  private static Arguments invalid(
      String kind, Consumer<JsonObject> damage, String field, String message) {
    return Arguments.of(kind, damage, field, message);
  }
}
