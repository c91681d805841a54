package dev.offload.producers;

import static dev.offload.producers.IngestApiIT.configFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.producers.internal.Authenticator;
import dev.offload.runtime.config.DurationText;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Producer apps and their keys against a real PostgreSQL, with an API whose keys are optional (as
 * in dev): keyless requests publish as {@code dev}, a request with a key as its app; the batch
 * endpoint; and the API's documentation routes.
 */
@ExtendWith(SharedInfrastructure.class)
// The flood spends the shared API's budget for unseen keys, under which a key created a moment
// later works only once the hashes are read again (within a second): it runs last.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProducerAppsIT {
  private static final String EVENTS = "/v1/events/user-signed-up";
  private static final String BODY = "{\"key\":\"user-42\",\"data\":{\"plan\":\"pro\"}}";
  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  private static final Duration KEY_CACHE_TTL = Duration.ofMillis(300);

  private static Infrastructure infra;
  private static String database;
  private static IngestApi api;
  private static PrometheusMeterRegistry meters;
  private static ApiClient client;
  private static Connection connection;
  private static ProducerApps apps;

  private OutboxSlot slot;

  @BeforeAll
  static void startApi(Infrastructure infrastructure) throws Exception {
    infra = infrastructure;
    database = TestNames.database("apps");
    infra.createDatabase(database);
    api =
        IngestApi.start(
            configFor(infra, database)
                .with(Map.of("auth.key-cache-ttl", DurationText.format(KEY_CACHE_TTL))),
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            Map.of());
    client = new ApiClient(api);
    connection =
        DriverManager.getConnection(
            infra.jdbcUrl(database), infra.postgresUser(), infra.postgresPassword());
    apps = new ProducerApps(connection);
  }

  @AfterAll
  static void stopApi() throws Exception {
    if (api != null) {
      api.close();
    }
    if (connection != null) {
      connection.close();
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
  void appsAreCreatedListedRotatedAndRevoked() throws Exception {
    ProducerApps.IssuedKey issued =
        apps.create("billing", List.of("page-viewed", "user-signed-up"));

    assertThat(ApiKeys.isWellFormed(issued.key())).isTrue();
    assertThat(issued.toString()).doesNotContain(issued.key());
    ProducerApp listed = find("billing");
    assertThat(listed.eventTypes()).containsExactly("page-viewed", "user-signed-up");
    assertThat(listed.active()).isTrue();
    assertThat(listed.rotatedAt()).isNull();

    ProducerApps.IssuedKey rotated = apps.rotate("billing");
    assertThat(rotated.key()).isNotEqualTo(issued.key());
    assertThat(find("billing").rotatedAt()).isNotNull();

    assertThat(apps.revoke("billing")).isTrue();
    assertThat(apps.revoke("billing")).as("already revoked").isFalse();
    assertThat(find("billing").active()).isFalse();
    assertThatThrownBy(() -> apps.rotate("billing")).hasMessageContaining("revoked");
    assertThatThrownBy(() -> apps.create("billing", List.of("*")))
        .hasMessageContaining("exists already (revoked)");
  }

  @Test
  void badNamesAndTypesAreRefused() {
    assertThatThrownBy(() -> apps.create("Bad Name", List.of("*")))
        .hasMessageContaining("app name");
    assertThatThrownBy(() -> apps.create("dev", List.of("*"))).hasMessageContaining("reserved");
    assertThatThrownBy(() -> apps.create("typo", List.of("User_Signed")))
        .hasMessageContaining("kebab-case");
    assertThatThrownBy(() -> apps.create("none", List.of())).hasMessageContaining("at least one");
    assertThatThrownBy(() -> apps.revoke("nobody")).hasMessageContaining("no app is named");
    assertThatThrownBy(() -> apps.rotate("nobody")).hasMessageContaining("no app is named");
  }

  @Test
  void keylessRequestsPublishAsDevAndKeyedOnesAsTheirApp() throws Exception {
    String key = apps.create("shop", List.of("*")).key();

    HttpResponse<String> keyless = client.postJson(EVENTS, BODY);
    HttpResponse<String> keyed = client.postJson(EVENTS, BODY, "Authorization", "Bearer " + key);
    HttpResponse<String> wrong =
        client.postJson(EVENTS, BODY, "Authorization", "Bearer " + ApiKeys.generate());

    assertThat(keyless.statusCode()).isEqualTo(202);
    assertThat(keyed.statusCode()).isEqualTo(202);
    assertThat(wrong.statusCode())
        .as("a wrong key is refused even when keys are optional")
        .isEqualTo(401);
    List<String> inserts = slot.inserts();
    assertThat(inserts).hasSize(2);
    assertThat(inserts.get(0)).contains("producer[character varying]:'dev'");
    assertThat(inserts.get(1)).contains("producer[character varying]:'shop'");
  }

  @Test
  void aRotatedKeyStopsWorkingWithinTheCacheTimeAndTheNewOneWorks() throws Exception {
    String old = apps.create("rotating", List.of("user-signed-up")).key();
    assertThat(client.postJson(EVENTS, BODY, "Authorization", "Bearer " + old).statusCode())
        .isEqualTo(202);

    String fresh = apps.rotate("rotating").key();

    assertThat(client.postJson(EVENTS, BODY, "Authorization", "Bearer " + fresh).statusCode())
        .isEqualTo(202);
    await()
        .atMost(KEY_CACHE_TTL.multipliedBy(10))
        .until(
            () ->
                client.postJson(EVENTS, BODY, "Authorization", "Bearer " + old).statusCode()
                    == 401);
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void aFloodOfUnknownKeysIsRefusedWithoutAQueryEachWhileRealKeysKeepWorking() throws Exception {
    String key = apps.create("flooded", List.of("*")).key();
    assertThat(client.postJson(EVENTS, BODY, "Authorization", "Bearer " + key).statusCode())
        .isEqualTo(202);
    double queriesBefore = keyQueries();
    long start = System.nanoTime();

    Map<Integer, Long> statuses = flood(10_000);

    double seconds = (System.nanoTime() - start) / 1e9;
    double queries = keyQueries() - queriesBefore;
    assertThat(statuses).isEqualTo(Map.of(401, 10_000L));
    System.out.printf(
        "Flood: 10,000 unknown keys answered 401 in %.1f s with %.0f key queries%n",
        seconds, queries);
    // Per second at most one read of every key's hash and a bucket's worth of single lookups.
    double bound =
        (Authenticator.UNSEEN_LOOKUPS_PER_SECOND + 1) * (Math.ceil(seconds) + 1)
            + Authenticator.UNSEEN_LOOKUPS_PER_SECOND;
    assertThat(queries)
        .as("key queries for 10,000 unknown keys in %.1f s", seconds)
        .isLessThanOrEqualTo(bound)
        .isLessThan(1_000);
    assertThat(client.postJson(EVENTS, BODY, "Authorization", "Bearer " + key).statusCode())
        .as("a real key after the flood")
        .isEqualTo(202);
    // Right after the flood the budget for unseen keys is spent: a key issued now works once the
    // hashes of all keys are read again, within KNOWN_KEYS_REFRESH.
    String rotated = apps.rotate("flooded").key();
    await()
        .atMost(Authenticator.KNOWN_KEYS_REFRESH.multipliedBy(3))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                client.postJson(EVENTS, BODY, "Authorization", "Bearer " + rotated).statusCode()
                    == 202);
    assertThat(slot.inserts()).hasSize(3);
  }

  /** Sends {@code count} events, each with a new made-up key, 16 at a time; counts the statuses. */
  private static Map<Integer, Long> flood(int count) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    Semaphore inFlight = new Semaphore(16);
    Map<Integer, Long> statuses = new ConcurrentHashMap<>();
    List<CompletableFuture<?>> sent = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      inFlight.acquire();
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(api.baseUrl() + EVENTS))
              .header("Content-Type", "application/json")
              .header("Authorization", "Bearer " + ApiKeys.generate())
              .POST(HttpRequest.BodyPublishers.ofString(BODY))
              .build();
      sent.add(
          http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
              .whenComplete(
                  (response, failure) -> {
                    inFlight.release();
                    statuses.merge(failure == null ? response.statusCode() : -1, 1L, Long::sum);
                  }));
    }
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
    return Map.copyOf(statuses);
  }

  private static double keyQueries() {
    return meters.find("offload.api.key.queries").counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  @Test
  void aBatchIsWrittenInOneTransactionInOrderWithItsTraceAndProducer() throws Exception {
    String key = apps.create("batcher", List.of("*")).key();
    String batch =
        "{\"events\":[{\"type\":\"user-signed-up\",\"key\":\"u1\",\"data\":{\"n\":1}},"
            + "{\"type\":\"page-viewed\",\"key\":\"s1\",\"data\":{\"n\":2}},"
            + "{\"type\":\"user-signed-up\",\"key\":\"u2\",\"data\":{\"n\":3}}]}";

    HttpResponse<String> response =
        client.postJson(
            "/v1/events:batch",
            batch,
            "Authorization",
            "Bearer " + key,
            "traceparent",
            TRACEPARENT);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    assertThat(response.headers().firstValue("traceparent")).hasValue(TRACEPARENT);
    List<Object> ids = new JsonObject(response.body()).getJsonArray("eventIds").getList();
    assertThat(ids).hasSize(3);
    List<String> inserts = slot.inserts();
    assertThat(inserts).hasSize(3);
    String[] types = {"user-signed-up", "page-viewed", "user-signed-up"};
    for (int i = 0; i < 3; i++) {
      assertThat(inserts.get(i))
          .contains("id[uuid]:'" + ids.get(i) + "'")
          .contains("type[character varying]:'" + types[i] + "'")
          .contains("producer[character varying]:'batcher'")
          .contains("traceparent[character varying]:'" + TRACEPARENT + "'");
    }
  }

  @Test
  void theBatchPathIsLiteral() throws Exception {
    HttpResponse<String> wrongMethod = client.get("/v1/events:batch");
    HttpResponse<String> otherVerb = client.postJson("/v1/events:publish", "{}");
    HttpResponse<String> noColon = client.postJson("/v1/eventsbatch", "{}");

    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
    assertThat(otherVerb.statusCode()).isEqualTo(404);
    assertThat(noColon.statusCode()).isEqualTo(404);
    assertThat(slot.inserts()).isEmpty();
  }

  @Test
  void theOpenApiDocumentAndSwaggerUiAreServed() throws Exception {
    HttpResponse<String> yaml = client.get("/openapi.yaml");
    HttpResponse<String> page = client.get("/docs");
    HttpResponse<String> bundle = client.get("/docs/swagger-ui-bundle.js");
    HttpResponse<String> missing = client.get("/docs/../../etc/passwd");
    HttpResponse<String> unknown = client.get("/docs/nothing.js");

    assertThat(yaml.statusCode()).isEqualTo(200);
    assertThat(yaml.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/yaml"));
    assertThat(yaml.body()).startsWith("openapi: 3.").contains("/v1/events:batch");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("/docs/swagger-ui-bundle.js").contains("/openapi.yaml");
    assertThat(bundle.statusCode()).isEqualTo(200);
    assertThat(bundle.body()).contains("SwaggerUIBundle");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(unknown.body()).getString("error")).isEqualTo("not-found");
  }

  private static ProducerApp find(String name) throws Exception {
    return apps.list().stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow();
  }
}
