package dev.offload.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.connectors.ConnectorConfig;
import dev.offload.connectors.OutboxConnector;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.producers.ApiConfig;
import dev.offload.producers.IngestApi;
import dev.offload.producers.OutboxWriter;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import dev.offload.schemas.events.UserSignedUp;
import dev.offload.schemas.outbox.OutboxMode;
import dev.offload.schemas.registry.InMemorySchemaRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same event published four ways (OutboxWriter and the ingest API, each in table and in message
 * mode) arrives on Kafka four times as the same record: key, value and every header but the event
 * id and time, compared field by field. Rolled-back writes arrive in neither mode.
 */
@ExtendWith(SharedInfrastructure.class)
class OutboxModesIT {
  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  private static final Pattern EVENT_ID =
      Pattern.compile("\"eventId\"\\s*:\\s*\"([0-9a-f-]{36})\"");

  @TempDir Path dir;

  @Test
  void bothModesDeliverTheSameRecordAndRollbackDeliversNothing(Infrastructure infra)
      throws Exception {
    String database = TestNames.database("modes");
    infra.createDatabase(database);
    String type = TestNames.eventType("signed-up");
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    registry.register(Topics.events(type) + "-value", UserSignedUp.getClassSchema());
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Map<String, Object> data = Map.of("userId", "42", "email", "ada@example.com", "name", "Ada");
    String body =
        "{\"key\":\"user-42\",\"data\":{\"userId\":\"42\",\"email\":\"ada@example.com\","
            + "\"name\":\"Ada\"}}";
    Map<String, String> published = new LinkedHashMap<>();
    List<String> rolledBack = new ArrayList<>();

    try (IngestApi tableApi =
            IngestApi.start(apiConfig(infra, database), meters, Map.of(), registry);
        IngestApi messageApi =
            IngestApi.start(
                apiConfig(infra, database).with(Map.of("outbox.mode", "message")),
                meters,
                Map.of(),
                registry);
        OutboxConnector connector =
            OutboxConnector.start(connectorConfig(infra, database), meters);
        Connection db =
            DriverManager.getConnection(
                infra.jdbcUrl(database), infra.postgresUser(), infra.postgresPassword())) {
      db.setAutoCommit(false);
      for (OutboxMode mode : OutboxMode.values()) {
        OutboxWriter writer =
            OutboxWriter.builder()
                .registry(registry)
                .producer("billing")
                .mode(mode)
                .meterRegistry(meters)
                .build();
        rolledBack.add(writer.publish(db, type, "user-42", data, TRACEPARENT).toString());
        db.rollback();
        published.put(
            writer.publish(db, type, "user-42", data, TRACEPARENT).toString(), "writer " + mode);
        db.commit();
      }
      published.put(post(tableApi, type, body), "api table");
      published.put(post(messageApi, type, body), "api message");

      List<ConsumerRecord<String, byte[]>> received =
          read(infra.bootstrapServers(), Topics.events(type), published.size());

      assertThat(received)
          .extracting(OutboxModesIT::eventId)
          .containsExactlyElementsOf(published.keySet())
          .doesNotContainAnyElementsOf(rolledBack);
      ConsumerRecord<String, byte[]> reference = received.get(0);
      for (ConsumerRecord<String, byte[]> r : received) {
        String path = published.get(eventId(r));
        assertThat(r.key()).as(path + " key").isEqualTo("user-42");
        assertThat(r.value()).as(path + " value").isEqualTo(reference.value());
        assertThat(r.partition()).as(path + " partition").isEqualTo(reference.partition());
        Map<String, String> headers = headers(r);
        assertThat(headers.keySet())
            .as(path + " header names")
            .containsExactly(
                OffloadHeaders.EVENT_ID,
                OffloadHeaders.EVENT_TYPE,
                OffloadHeaders.OCCURRED_AT,
                OffloadHeaders.PRODUCER,
                OffloadHeaders.TRACEPARENT);
        assertThat(headers)
            .as(path + " headers")
            .containsEntry(OffloadHeaders.EVENT_TYPE, type)
            .containsEntry(OffloadHeaders.TRACEPARENT, TRACEPARENT);
        assertThat(headers.get(OffloadHeaders.OCCURRED_AT))
            .as(path + " occurred-at")
            .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
      }
      // The API names itself with its configured producer name, the writer with its own.
      assertThat(received)
          .extracting(r -> headers(r).get(OffloadHeaders.PRODUCER))
          .containsExactly("billing", "billing", "dev", "dev");
      assertThat(connector.failure()).isEmpty();
    }
    dropSlot(infra, database);
  }

  private static void dropSlot(Infrastructure infra, String database) throws Exception {
    try (Connection c =
            DriverManager.getConnection(
                infra.jdbcUrl(database), infra.postgresUser(), infra.postgresPassword());
        var drop =
            c.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE slot_name = ? AND NOT active")) {
      drop.setString(1, database);
      drop.execute();
    }
  }

  private static String post(IngestApi api, String type, String body) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(api.baseUrl() + "/v1/events/" + type))
                    .header("Content-Type", "application/json")
                    .header("traceparent", TRACEPARENT)
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    Matcher m = EVENT_ID.matcher(response.body());
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  private static List<ConsumerRecord<String, byte[]>> read(String bootstrap, String topic, int n) {
    List<ConsumerRecord<String, byte[]>> received = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "modes-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                return received.size() >= n;
              });
      // One more poll, so a rolled-back event that did arrive would be seen.
      consumer.poll(Duration.ofMillis(1000)).forEach(received::add);
    }
    return received;
  }

  private static Map<String, String> headers(ConsumerRecord<String, byte[]> r) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (Header h : r.headers()) {
      headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
    }
    return headers;
  }

  private static String eventId(ConsumerRecord<String, byte[]> r) {
    return headers(r).get(OffloadHeaders.EVENT_ID);
  }

  private static ApiConfig apiConfig(Infrastructure infra, String database) {
    return ApiConfig.of(infra.jdbcUrl(database), infra.postgresUser(), infra.postgresPassword());
  }

  private ConnectorConfig connectorConfig(Infrastructure infra, String database) {
    return ConnectorConfig.of(
            infra.bootstrapServers(),
            infra.postgresHost(),
            infra.postgresPort(),
            database,
            infra.postgresUser(),
            infra.postgresPassword(),
            dir.resolve("offsets.dat"))
        .with(
            Map.of(
                "connector.slot",
                database,
                "connector.publication",
                database + "_pub",
                "connector.name",
                "it-" + database));
  }
}
