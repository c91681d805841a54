package dev.offload.connectors;

import static dev.offload.connectors.OutboxTestSupport.Event;
import static dev.offload.connectors.OutboxTestSupport.Received;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.offload.connectors.internal.ConnectorMetrics;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SharedInfrastructure.class)
class OutboxConnectorIT {
  private static final int EVENTS = 1_000;
  private static final int KEYS = 50;
  private static final int EVENTS_PER_TRANSACTION = 10;
  private static final int PROBES = 200;

  @Test
  void deliversEveryCommittedEventOnceWithHeadersInOrderPerKey(
      Infrastructure infra, @TempDir Path dataDir) throws Exception {
    String database = TestNames.database("outbox_connector");
    OutboxTestSupport.createOutboxDatabase(infra, database);
    String type = TestNames.eventType("order-placed");
    ConnectorConfig config =
        ConnectorConfig.of(
                infra.bootstrapServers(),
                infra.postgresHost(),
                infra.postgresPort(),
                database,
                infra.postgresUser(),
                infra.postgresPassword(),
                dataDir.resolve("connector.offsets"))
            .with(
                Map.of(
                    "connector.slot",
                    database,
                    "connector.publication",
                    database + "_pub",
                    "connector.name",
                    "it-" + database));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Map<String, Event> written = new HashMap<>();

    try (OutboxConnector connector = OutboxConnector.start(config, registry)) {
      assertThat(connector.isRunning()).isTrue();
      assertThat(registry.get(ConnectorMetrics.RUNNING).gauge().value()).isEqualTo(1.0);

      OutboxTestSupport.createTopic(infra.bootstrapServers(), Topics.events(type));
      writeEvents(infra, database, type).forEach(e -> written.put(e.id().toString(), e));
      List<Received> received =
          OutboxTestSupport.readUntil(
              infra.bootstrapServers(),
              Topics.events(type),
              Duration.ofSeconds(60),
              r -> r.size() >= EVENTS);

      // The DELETE in each transaction is dropped by the router: no tombstone, no failure.
      assertThat(received).noneMatch(Received::tombstone);
      assertExactlyOnceInOrder(received, written);
      assertThat(registry.get(ConnectorMetrics.EVENTS).tag("type", type).counter().count())
          .isEqualTo(EVENTS);
      printLatency(received, written, registry.get(ConnectorMetrics.CAPTURE_LATENCY).timer());

      printSteadyLatency(infra, database);
      assertThat(connector.isRunning()).isTrue();
      assertThat(connector.failure()).isEmpty();
    }

    assertThat(registry.get(ConnectorMetrics.RUNNING).gauge().value()).isEqualTo(0.0);
    try (Connection c = OutboxTestSupport.connect(infra, database)) {
      assertThat(OutboxTestSupport.slotCount(c, database))
          .as("the slot survives a stop")
          .isEqualTo(1);
    }
    OutboxTestSupport.dropSlot(infra, database, database);
  }

  @Test
  void startFailsWithTheEnginesErrorWhenTheDatabaseIsMissing(
      Infrastructure infra, @TempDir Path dataDir) {
    String missing = TestNames.database("no_such_db");
    ConnectorConfig config =
        ConnectorConfig.of(
                infra.bootstrapServers(),
                infra.postgresHost(),
                infra.postgresPort(),
                missing,
                infra.postgresUser(),
                infra.postgresPassword(),
                dataDir.resolve("connector.offsets"))
            .with(Map.of("connector.slot", missing, "connector.name", "it-" + missing));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    assertThatThrownBy(() -> OutboxConnector.start(config, registry))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("failed to start")
        .hasMessageContaining(missing);
    assertThat(registry.get(ConnectorMetrics.RUNNING).gauge().value()).isEqualTo(0.0);
  }

  /** 1,000 events over 50 keys, 10 per transaction; each key's sequence counts up from 0. */
  private static List<Event> writeEvents(Infrastructure infra, String database, String type)
      throws Exception {
    List<Event> all = new ArrayList<>();
    long[] nextSeq = new long[KEYS];
    try (Connection c = OutboxTestSupport.connect(infra, database)) {
      for (int tx = 0; tx < EVENTS / EVENTS_PER_TRANSACTION; tx++) {
        List<Event> batch = new ArrayList<>();
        for (int i = 0; i < EVENTS_PER_TRANSACTION; i++) {
          int key = (tx * 7 + i * 13) % KEYS;
          batch.add(Event.next(type, "customer-" + key, nextSeq[key]++));
        }
        OutboxTestSupport.publish(c, batch);
        all.addAll(batch);
      }
    }
    return all;
  }

  private static void assertExactlyOnceInOrder(
      List<Received> received, Map<String, Event> written) {
    assertThat(received).hasSize(EVENTS);
    assertThat(received.stream().map(Received::eventId))
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(written.keySet());

    for (Received r : received) {
      Event sent = written.get(r.eventId());
      assertThat(r.key()).isEqualTo(sent.key());
      assertThat(r.value()).as("the payload, byte for byte").isEqualTo(sent.payload());
      assertThat(r.seq()).isEqualTo(sent.seq());
      assertThat(r.headers())
          .containsEntry(OffloadHeaders.EVENT_TYPE, sent.type())
          .containsEntry(OffloadHeaders.PRODUCER, "connector-it")
          .containsEntry(OffloadHeaders.TRACEPARENT, sent.traceparent())
          .containsKey(OffloadHeaders.OCCURRED_AT);
      assertThat(Instant.parse(r.headers().get(OffloadHeaders.OCCURRED_AT)))
          .isEqualTo(sent.occurredAt());
    }

    Map<String, List<Long>> seqByKey =
        received.stream()
            .collect(
                Collectors.groupingBy(
                    Received::key, Collectors.mapping(Received::seq, Collectors.toList())));
    assertThat(seqByKey).hasSize(KEYS);
    seqByKey.forEach((key, seqs) -> assertThat(seqs).as("sequence of key %s", key).isSorted());
  }

  /**
   * Latency without queueing: one event per transaction, the next written only once the previous
   * one has been read back, on a topic of its own (so the 1,000 above stay exact).
   */
  private static void printSteadyLatency(Infrastructure infra, String database) throws Exception {
    String type = TestNames.eventType("latency-probe");
    String topic = Topics.events(type);
    OutboxTestSupport.createTopic(infra.bootstrapServers(), topic);
    List<Long> commitToKafka = new ArrayList<>();
    List<Long> commitToConsumer = new ArrayList<>();
    try (Connection c = OutboxTestSupport.connect(infra, database);
        KafkaConsumer<String, byte[]> consumer =
            OutboxTestSupport.assignedConsumer(infra.bootstrapServers(), topic)) {
      for (int i = 0; i < PROBES; i++) {
        Event event = Event.next(type, "probe", i);
        OutboxTestSupport.publish(c, List.of(event));
        long committed = System.currentTimeMillis();
        List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
        await()
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(1))
            .until(
                () -> {
                  consumer.poll(Duration.ofMillis(5)).forEach(got::add);
                  return !got.isEmpty();
                });
        commitToConsumer.add(System.currentTimeMillis() - committed);
        commitToKafka.add(got.get(0).timestamp() - committed);
      }
    }
    // The first probes include the lazy start of the probe topic's metadata; skip them.
    List<Long> kafka = commitToKafka.subList(PROBES / 10, PROBES).stream().sorted().toList();
    List<Long> consumed = commitToConsumer.subList(PROBES / 10, PROBES).stream().sorted().toList();
    System.out.printf(
        "OutboxConnectorIT: steady state over %d single-event transactions: commit -> Kafka"
            + " append median %d ms, p99 %d ms; commit -> consumer median %d ms, p99 %d ms%n",
        kafka.size(),
        kafka.get(kafka.size() / 2),
        kafka.get((int) (kafka.size() * 0.99)),
        consumed.get(consumed.size() / 2),
        consumed.get((int) (consumed.size() * 0.99)));
  }

  /** Commit to Kafka: the record's (producer) timestamp minus the event's occurred_at. */
  private static void printLatency(
      List<Received> received, Map<String, Event> written, Timer timer) {
    Function<Received, Long> latencyMs =
        r -> r.timestamp() - written.get(r.eventId()).occurredAt().toEpochMilli();
    List<Long> sorted = received.stream().map(latencyMs).sorted().toList();
    System.out.printf(
        "OutboxConnectorIT: occurred_at -> Kafka latency over %d events: median %d ms, p99 %d ms,"
            + " max %d ms; capture.latency timer mean %.1f ms, max %.1f ms%n",
        sorted.size(),
        sorted.get(sorted.size() / 2),
        sorted.get((int) (sorted.size() * 0.99)),
        sorted.get(sorted.size() - 1),
        timer.mean(TimeUnit.MILLISECONDS),
        timer.max(TimeUnit.MILLISECONDS));
  }
}
