package dev.offload.producers;

import static dev.offload.producers.IngestApiIT.configFor;
import static dev.offload.producers.TestSchemas.record;
import static dev.offload.producers.TestSchemas.subject;
import static dev.offload.producers.TestSchemas.uniqueType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The API while its schema registry fails or is slow: never a 500, never a blocked event loop,
 * never a write.
 */
@ExtendWith(SharedInfrastructure.class)
class SchemaRegistryOutageIT {
  private static final String VALID_USER =
      "{\"key\":\"user-42\",\"data\":{\"userId\":\"user-42\",\"email\":\"ada@example.com\","
          + "\"name\":\"Ada\"}}";

  private static Infrastructure infra;
  private static String database;
  private static ControllableRegistry registry;
  private static IngestApi api;
  private static ApiClient client;

  private OutboxSlot slot;

  @BeforeAll
  static void startApi(Infrastructure infrastructure) {
    infra = infrastructure;
    database = TestNames.database("registry_outage");
    infra.createDatabase(database);
    registry = new ControllableRegistry();
    api =
        IngestApi.start(
            // Long enough that a schema fetched in a test stays cached for the rest of it.
            configFor(infra, database).with(Map.of("registry.cache-ttl", "5m")),
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
  void restoreRegistryAndDropSlot() throws Exception {
    registry.setDown(false);
    registry.open();
    slot.close();
  }

  @Test
  void unavailableRegistryIsAnswered503WithRetryAfterAndWritesNothing() throws Exception {
    String type = registeredType("audit-logged");
    String event = "{\"key\":\"k\",\"data\":{\"n\":1}}";
    registry.setDown(true);

    HttpResponse<String> refused = client.postJson("/v1/events/" + type, event);
    HttpResponse<String> list = client.get("/v1/event-types");

    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
    assertThat(new JsonObject(refused.body()).getString("error"))
        .isEqualTo("schema-registry-unavailable");
    assertThat(list.statusCode()).isEqualTo(503);
    assertThat(list.headers().firstValue("Retry-After")).hasValue("5");
    assertThat(new JsonObject(list.body()).getString("error"))
        .isEqualTo("schema-registry-unavailable");
    assertThat(slot.inserts()).isEmpty();

    registry.setDown(false);
    assertThat(client.postJson("/v1/events/" + type, event).statusCode()).isEqualTo(202);
    assertThat(slot.inserts()).hasSize(1);
  }

  @Test
  void registryFailingWhenTheSchemaIdIsLookedUpIsAnswered503AndWritesNothing() throws Exception {
    String type = registeredType("id-lookup");
    String event = "{\"key\":\"k\",\"data\":{\"n\":1}}";
    // Listing the types caches every latest schema, but not yet the id the payload is framed with.
    assertThat(client.get("/v1/event-types").statusCode()).isEqualTo(200);
    registry.setDown(true);

    HttpResponse<String> refused = client.postJson("/v1/events/" + type, event);

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
    assertThat(new JsonObject(refused.body()).getString("error"))
        .isEqualTo("schema-registry-unavailable");
    assertThat(slot.inserts()).isEmpty();
    registry.setDown(false);
    assertThat(client.postJson("/v1/events/" + type, event).statusCode()).isEqualTo(202);
    assertThat(slot.inserts()).hasSize(1);
  }

  @Test
  void slowRegistryDoesNotBlockTheEventLoop() throws Exception {
    String type = registeredType("slow-type");
    assertThat(client.postJson("/v1/events/user-signed-up", VALID_USER).statusCode())
        .isEqualTo(202);
    int callsBefore = registry.calls();
    registry.hold();
    CompletableFuture<HttpResponse<String>> pending =
        client.postJsonAsync("/v1/events/" + type, "{\"key\":\"k\",\"data\":{\"n\":1}}");

    await().atMost(Duration.ofSeconds(10)).until(() -> registry.calls() > callsBefore);
    HttpResponse<String> live = client.get("/health/live");
    HttpResponse<String> cached = client.postJson("/v1/events/user-signed-up", VALID_USER);

    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(cached.statusCode()).as("a type whose schema is cached").isEqualTo(202);
    assertThat(pending).isNotDone();
    registry.open();
    assertThat(pending.get().statusCode()).isEqualTo(202);
  }

  @Test
  void startFailsClearlyWhenTheRegistryIsUnreachable() {
    ControllableRegistry unreachable = new ControllableRegistry();
    unreachable.setDown(true);

    assertThatThrownBy(
            () ->
                IngestApi.start(
                    configFor(infra, database),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                    Map.of(),
                    unreachable))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot register the built-in event schemas")
        .hasMessageContaining("no registry answered");
  }

  /** A new type with one int field {@code n}, registered, not yet cached by the API. */
  private static String registeredType(String prefix) {
    String type = uniqueType(prefix);
    registry.register(subject(type), record("T", "{\"name\":\"n\",\"type\":\"int\"}"));
    return type;
  }
}
