package dev.offload.connectors;

import static dev.offload.connectors.OutboxTestSupport.Event;
import static dev.offload.connectors.OutboxTestSupport.Received;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.connectors.internal.ChangeRecords;
import dev.offload.connectors.internal.ConnectorMetrics;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.embedded.registry.RegistryServerConfig;
import dev.offload.embedded.registry.SchemaRegistryServer;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import dev.offload.schemas.registry.RegistryClient;
import dev.offload.schemas.registry.RegistryClientConfig;
import dev.offload.schemas.registry.SchemaRegistry;
import dev.offload.schemas.serde.AvroDeserializer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capture of an existing app table beside the outbox, in one engine: change events in Avro with
 * registered schemas, keyed by primary key, in order per key; initial and incremental snapshots.
 */
@ExtendWith(SharedInfrastructure.class)
class TableCaptureIT {
  private static SchemaRegistryServer registryServer;
  private static SchemaRegistry registry;
  private static AvroDeserializer<GenericRecord> avro;

  @BeforeAll
  static void startRegistry(Infrastructure infra) {
    registryServer =
        SchemaRegistryServer.start(
            RegistryServerConfig.builder(infra.bootstrapServers())
                .port(0)
                .topic(TestNames.topic("schemas-capture"))
                .build());
    registry = new RegistryClient(RegistryClientConfig.of(registryServer.url()));
    avro = AvroDeserializer.generic(registry);
  }

  @AfterAll
  static void stopRegistry() {
    if (registryServer != null) {
      registryServer.close();
    }
  }

  /** One change event as read back from Kafka, decoded with the registered schemas. */
  record Change(
      GenericRecord key, GenericRecord value, Map<String, String> headers, int partition) {
    long id() {
      return (Long) key.get("id");
    }

    String op() {
      return value.get("op").toString();
    }

    GenericRecord before() {
      return (GenericRecord) value.get("before");
    }

    GenericRecord after() {
      return (GenericRecord) value.get("after");
    }

    /** Whether this is a row read by an incremental snapshot (not the initial one). */
    boolean incrementalRead() {
      Object snapshot = ((GenericRecord) value.get("source")).get("snapshot");
      return op().equals("r") && snapshot != null && snapshot.toString().equals("incremental");
    }
  }

  @Test
  void capturesInsertUpdateDeleteInOrderPerKeyWhileOutboxEventsStillFlow(
      Infrastructure infra, @TempDir Path dataDir) throws Exception {
    String database = TestNames.database("table_capture");
    String table = "public." + TestNames.unique("orders");
    String topic = TableCapture.topicOf(table);
    String type = TestNames.eventType("order-noted");
    OutboxTestSupport.createOutboxDatabase(infra, database);
    try (Connection c = OutboxTestSupport.connect(infra, database)) {
      createOrders(c, table);
    }
    SimpleMeterRegistry meters = new SimpleMeterRegistry();

    try (OutboxConnector connector =
        OutboxConnector.start(
            config(infra, database, dataDir).with(Map.of("capture.tables", table)),
            meters,
            registry)) {
      OutboxTestSupport.createTopic(infra.bootstrapServers(), Topics.events(type));
      try (Connection c = OutboxTestSupport.connect(infra, database);
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT relreplident FROM pg_class WHERE oid = to_regclass('" + table + "')")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).as("REPLICA IDENTITY FULL").isEqualTo("f");
      }
      Event event = Event.next(type, "order-1", 0);
      try (Connection c = OutboxTestSupport.connect(infra, database)) {
        execute(
            c,
            "INSERT INTO "
                + table
                + " (id, customer, amount, placed_at, note, photo)"
                + " VALUES (1, 'ada', 12.50, '2025-03-01T10:00:00.123456Z', '{\"gift\": true}',"
                + " '\\x00ff2a')",
            "INSERT INTO " + table + " (id, customer) VALUES (2, 'grace')",
            "UPDATE " + table + " SET customer = 'ada lovelace', amount = 13.75 WHERE id = 1",
            "DELETE FROM " + table + " WHERE id = 2");
        OutboxTestSupport.publish(c, List.of(event));
      }

      List<Change> changes = readChanges(infra, topic, r -> r.size() >= 4);
      List<Received> events =
          OutboxTestSupport.readUntil(
              infra.bootstrapServers(),
              Topics.events(type),
              Duration.ofSeconds(60),
              r -> !r.isEmpty());

      assertThat(changes).hasSize(4);
      Map<Long, List<Change>> byKey = changes.stream().collect(Collectors.groupingBy(Change::id));
      assertThat(byKey.get(1L)).extracting(Change::op).containsExactly("c", "u");
      assertThat(byKey.get(2L)).extracting(Change::op).containsExactly("c", "d");
      byKey.forEach(
          (id, ofKey) ->
              assertThat(ofKey.stream().map(Change::partition).distinct())
                  .as("one partition per key")
                  .hasSize(1));

      Change created = byKey.get(1L).get(0);
      assertThat(created.before()).isNull();
      assertThat(created.after().get("customer").toString()).isEqualTo("ada");
      assertThat(decimal(created.after(), "amount")).isEqualByComparingTo("12.50");
      assertThat(created.after().get("placed_at").toString())
          .isEqualTo("2025-03-01T10:00:00.123456Z");
      assertThat(created.after().get("note").toString()).contains("\"gift\": true");
      assertThat(created.after().get("status").toString()).isEqualTo("new");
      assertThat(bytes(created.after().get("photo"))).containsExactly(0, 0xff, 42);
      Change updated = byKey.get(1L).get(1);
      assertThat(updated.before().get("customer").toString()).isEqualTo("ada");
      assertThat(updated.after().get("customer").toString()).isEqualTo("ada lovelace");
      assertThat(decimal(updated.after(), "amount")).isEqualByComparingTo("13.75");
      Change deleted = byKey.get(2L).get(1);
      assertThat(deleted.before().get("customer").toString()).isEqualTo("grace");
      assertThat(deleted.after()).isNull();
      GenericRecord source = (GenericRecord) deleted.value.get("source");
      assertThat(source.get("db").toString()).isEqualTo(database);
      assertThat(source.get("lsn")).isNotNull();

      assertThat(created.headers())
          .containsEntry(OffloadHeaders.EVENT_TYPE, ChangeRecords.EVENT_TYPE)
          .containsEntry(OffloadHeaders.PRODUCER, database);
      assertThat(UUID.fromString(created.headers().get(OffloadHeaders.EVENT_ID))).isNotNull();
      assertThat(Instant.parse(created.headers().get(OffloadHeaders.OCCURRED_AT)))
          .isBefore(Instant.now().plusSeconds(1));
      assertThat(changes.stream().map(ch -> ch.headers().get(OffloadHeaders.EVENT_ID)))
          .doesNotHaveDuplicates();

      assertThat(registry.subjects()).contains(topic + "-key", topic + "-value");
      assertThat(registry.versions(topic + "-value")).hasSize(1);
      Schema valueSchema = registry.latest(topic + "-value").schema();
      assertThat(valueSchema.getField("before")).isNotNull();
      assertThat(valueSchema.getField("op")).isNotNull();

      assertThat(events).hasSize(1);
      assertThat(events.get(0).key()).isEqualTo("order-1");
      assertThat(events.get(0).value()).isEqualTo(event.payload());
      assertThat(events.get(0).eventId()).isEqualTo(event.id().toString());

      assertThat(
              meters
                  .get(ConnectorMetrics.CHANGES)
                  .tag("table", table)
                  .tag("op", "c")
                  .counter()
                  .count())
          .isEqualTo(2);
      assertThat(meters.get(ConnectorMetrics.CHANGE_LATENCY).tag("table", table).timer().count())
          .isEqualTo(4);
      assertThat(connector.failure()).isEmpty();
    }
    OutboxTestSupport.dropSlot(infra, database, database);
  }

  @Test
  void snapshotsExistingRowsOnFirstStartAndAgainOnRequestWhileChangesFlow(
      Infrastructure infra, @TempDir Path dataDir) throws Exception {
    String database = TestNames.database("table_snapshot");
    String table = "public." + TestNames.unique("customers");
    String topic = TableCapture.topicOf(table);
    OutboxTestSupport.createOutboxDatabase(infra, database);
    try (Connection c = OutboxTestSupport.connect(infra, database)) {
      createOrders(c, table);
      for (int id = 1; id <= 3; id++) {
        execute(
            c, "INSERT INTO " + table + " (id, customer) VALUES (" + id + ", 'pre-" + id + "')");
      }
    }
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    ConnectorConfig config =
        config(infra, database, dataDir)
            .with(Map.of("capture.tables", table, "capture.snapshot", "initial"));
    TableCapture capture = config.capture();

    try (OutboxConnector connector = OutboxConnector.start(config, meters, registry)) {
      List<Change> initial = readChanges(infra, topic, r -> r.size() >= 3);
      assertThat(initial).extracting(Change::op).containsOnly("r");
      assertThat(initial).extracting(Change::id).containsExactlyInAnyOrder(1L, 2L, 3L);
      assertThat(initial.get(0).before()).isNull();
      assertThat(initial)
          .extracting(ch -> ch.after().get("customer").toString())
          .containsExactlyInAnyOrder("pre-1", "pre-2", "pre-3");

      try (Connection c = OutboxTestSupport.connect(infra, database)) {
        execute(c, "INSERT INTO " + table + " (id, customer) VALUES (4, 'live-4')");
        String signal = SnapshotSignal.requestIncrementalSnapshot(c, capture.signalTable(), table);
        assertThat(signal).isNotBlank();
        execute(
            c,
            "INSERT INTO " + table + " (id, customer) VALUES (5, 'live-5')",
            "UPDATE " + table + " SET customer = 'renamed-1' WHERE id = 1");
      }

      List<Change> all =
          readChanges(
              infra,
              topic,
              r ->
                  incrementalReads(r).containsAll(Set.of(1L, 2L, 3L, 4L))
                      && live(r).containsAll(List.of("c4", "c5", "u1")));
      assertThat(all.stream().filter(ch -> ch.op().equals("r") && !ch.incrementalRead()))
          .as("the initial snapshot ran once")
          .hasSize(3);
      assertThat(incrementalReads(all))
          .as("the incremental snapshot re-emits every row present when it ran")
          .containsAll(Set.of(1L, 2L, 3L, 4L));
      assertThat(live(all)).as("live changes keep flowing").containsExactly("c4", "c5", "u1");
      // Whatever the interleaving, the last event of each key carries the row's current state.
      Map<Long, Change> last = new HashMap<>();
      all.forEach(ch -> last.put(ch.id(), ch));
      assertThat(last.get(1L).after().get("customer").toString()).isEqualTo("renamed-1");
      assertThat(last.get(5L).after().get("customer").toString()).isEqualTo("live-5");
      assertThat(
              meters
                  .get(ConnectorMetrics.CHANGES)
                  .tag("table", table)
                  .tag("op", "r")
                  .counter()
                  .count())
          .isGreaterThanOrEqualTo(7);
      assertThat(connector.failure()).isEmpty();
    }
    OutboxTestSupport.dropSlot(infra, database, database);
  }

  private static Set<Long> incrementalReads(List<Change> changes) {
    return changes.stream()
        .filter(Change::incrementalRead)
        .map(Change::id)
        .collect(Collectors.toSet());
  }

  /** The streamed changes, as op and id ({@code c4}), sorted. */
  private static List<String> live(List<Change> changes) {
    return changes.stream()
        .filter(ch -> !ch.op().equals("r"))
        .map(ch -> ch.op() + ch.id())
        .sorted()
        .toList();
  }

  private static ConnectorConfig config(Infrastructure infra, String database, Path dataDir) {
    return ConnectorConfig.of(
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
  }

  private static void createOrders(Connection c, String table) throws Exception {
    execute(
        c,
        "CREATE TABLE "
            + table
            + " (id BIGINT PRIMARY KEY, customer TEXT NOT NULL, amount NUMERIC(10, 2),"
            + " placed_at TIMESTAMPTZ, note JSONB, photo BYTEA, status TEXT NOT NULL DEFAULT 'new')");
  }

  private static void execute(Connection c, String... statements) throws Exception {
    c.setAutoCommit(true);
    try (Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  private static List<Change> readChanges(
      Infrastructure infra, String topic, Predicate<List<Change>> done) {
    List<Change> received = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                infra.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "capture-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(1))
          .until(
              () -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                  received.add(change(r));
                }
                return done.test(received);
              });
    }
    return received;
  }

  private static Change change(ConsumerRecord<byte[], byte[]> r) {
    Map<String, String> headers = new HashMap<>();
    for (Header h : r.headers()) {
      headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
    }
    return new Change(
        avro.deserialize(r.topic(), r.key()),
        avro.deserialize(r.topic(), r.value()),
        headers,
        r.partition());
  }

  private static BigDecimal decimal(GenericRecord row, String field) {
    Schema schema = row.getSchema().getField(field).schema().getTypes().get(1);
    return new Conversions.DecimalConversion()
        .fromBytes((ByteBuffer) row.get(field), schema, schema.getLogicalType());
  }

  private static byte[] bytes(Object value) {
    ByteBuffer buffer = ((ByteBuffer) value).duplicate();
    byte[] copy = new byte[buffer.remaining()];
    buffer.get(copy);
    return copy;
  }
}
