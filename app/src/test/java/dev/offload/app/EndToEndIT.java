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
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * One thousand events over HTTP, 50 keys: the same thousand ids arrive on Kafka, in key order. The
 * API runs without a schema registry (schemaless), so each value is the UTF-8 JSON of its data.
 */
@ExtendWith(SharedInfrastructure.class)
class EndToEndIT {
  private static final Pattern EVENT_ID =
      Pattern.compile("\"eventId\"\\s*:\\s*\"([0-9a-f-]{36})\"");
  private static final int EVENTS = 1000;
  private static final int KEYS = 50;

  @TempDir Path dir;

  @Test
  void everyAcceptedEventArrivesOnceInPerKeyOrder(Infrastructure infra) throws Exception {
    String database = TestNames.database("e2e");
    infra.createDatabase(database);
    String type = TestNames.eventType("e2e");
    String topic = Topics.events(type);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    Map<String, List<String>> acceptedByKey;
    try (IngestApi api = IngestApi.start(apiConfig(infra, database), registry, Map.of());
        OutboxConnector connector =
            OutboxConnector.start(connectorConfig(infra, database), registry)) {
      acceptedByKey = publishConcurrently(api.port(), type);
      Map<String, List<String>> valuesByKey = new HashMap<>();
      Map<String, List<String>> arrivedByKey =
          readByKey(infra.bootstrapServers(), topic, valuesByKey);
      long arrived = arrivedByKey.values().stream().mapToLong(List::size).sum();
      System.out.printf("%d events accepted, %d arrived on %s%n", EVENTS, arrived, topic);
      assertThat(arrivedByKey).isEqualTo(acceptedByKey);
      List<String> sent =
          IntStream.range(0, EVENTS / KEYS).mapToObj(seq -> "{\"seq\":" + seq + "}").toList();
      assertThat(valuesByKey)
          .hasSize(KEYS)
          .allSatisfy((key, values) -> assertThat(values).isEqualTo(sent));
    } finally {
      dropSlot(infra, database);
    }
  }

  /** 50 keys, one sequential publisher per key, 16 keys in flight: order within a key is known. */
  private static Map<String, List<String>> publishConcurrently(int port, String type)
      throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    Map<String, Future<List<String>>> futures = new HashMap<>();
    for (int k = 0; k < KEYS; k++) {
      String key = "user-" + k;
      futures.put(
          key,
          pool.submit(
              () -> {
                List<String> ids = new ArrayList<>();
                for (int seq = 0; seq < EVENTS / KEYS; seq++) {
                  ids.add(publish(http, port, type, key, seq));
                }
                return ids;
              }));
    }
    Map<String, List<String>> byKey = new HashMap<>();
    for (var e : futures.entrySet()) {
      byKey.put(e.getKey(), e.getValue().get());
    }
    pool.shutdown();
    return byKey;
  }

  private static String publish(HttpClient http, int port, String type, String key, int seq)
      throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/events/" + type))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"key\":\"" + key + "\",\"data\":{\"seq\":" + seq + "}}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    Matcher m = EVENT_ID.matcher(response.body());
    assertThat(m.find()).as(response.body()).isTrue();
    return m.group(1);
  }

  /** Event ids by key in arrival order; the values (as UTF-8 text) go to {@code valuesByKey}. */
  private static Map<String, List<String>> readByKey(
      String bootstrap, String topic, Map<String, List<String>> valuesByKey) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    Map<String, List<String>> byKey = new HashMap<>();
    AtomicInteger count = new AtomicInteger();
    try (var consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      await().atMost(Duration.ofSeconds(60)).until(() -> !consumer.partitionsFor(topic).isEmpty());
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      await()
          .atMost(Duration.ofSeconds(120))
          .until(
              () -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                  byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(eventId(r));
                  valuesByKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
                  count.incrementAndGet();
                }
                return count.get() >= EVENTS;
              });
      // Duplicates, if any, would follow the rest: read on briefly so the comparison sees them.
      long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      while (System.nanoTime() < until) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(eventId(r));
          valuesByKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
        }
      }
    }
    return byKey;
  }

  private static String eventId(ConsumerRecord<String, String> r) {
    return new String(
        r.headers().lastHeader(OffloadHeaders.EVENT_ID).value(), StandardCharsets.UTF_8);
  }

  private ApiConfig apiConfig(Infrastructure infra, String database) {
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
        .with(Map.of("connector.slot", database, "connector.publication", database + "_pub"));
  }

  private static void dropSlot(Infrastructure infra, String database) throws Exception {
    try (var c =
            DriverManager.getConnection(
                infra.jdbcUrl(database), infra.postgresUser(), infra.postgresPassword());
        var s =
            c.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE slot_name = ? AND NOT active")) {
      s.setString(1, database);
      s.execute();
    }
  }
}
