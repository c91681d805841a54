package dev.offload.producers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An API that requires a capture (as {@code offload api} and {@code offload dev} do) refuses events
 * while no replication slot exists in its database, since an event committed then would never reach
 * Kafka: {@code 503 capture-not-ready} with {@code Retry-After}. The first request after a slot is
 * made is accepted; once the slot is dropped, events are refused again.
 */
@ExtendWith(SharedInfrastructure.class)
class CaptureGateIT {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void eventsAreRefusedWhileNoSlotCouldCaptureThem(Infrastructure infra) throws Exception {
    String database = TestNames.database("capture_gate");
    String jdbcUrl = infra.createDatabase(database);
    String slot = database + "_slot";
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (IngestApi api =
            IngestApi.start(
                IngestApiIT.configFor(infra, database)
                    .with(Map.of("outbox.require-capture", "true")),
                meters,
                Map.of());
        Connection db =
            DriverManager.getConnection(jdbcUrl, infra.postgresUser(), infra.postgresPassword());
        Statement s = db.createStatement()) {
      String url = api.baseUrl() + "/v1/events/" + TestNames.eventType("gate");

      HttpResponse<String> refused = post(url);
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(new JsonObject(refused.body()).getString("error")).isEqualTo("capture-not-ready");
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(meters.scrape()).contains("offload_api_capture_ready 0.0");

      s.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'test_decoding')");
      try {
        HttpResponse<String> accepted = post(url);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(meters.scrape()).contains("offload_api_capture_ready 1.0");
        String id = new JsonObject(accepted.body()).getString("eventId");
        try (var rs =
            s.executeQuery(
                "SELECT data FROM pg_logical_slot_get_changes('" + slot + "', NULL, NULL)")) {
          StringBuilder changes = new StringBuilder();
          while (rs.next()) {
            changes.append(rs.getString(1)).append('\n');
          }
          assertThat(changes.toString()).as("the accepted event, in the slot").contains(id);
        }
      } finally {
        s.execute("SELECT pg_drop_replication_slot('" + slot + "')");
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(post(url).statusCode()).isEqualTo(503));
    }
  }

  private static HttpResponse<String> post(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"k\",\"data\":{\"n\":1}}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
