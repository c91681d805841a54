package dev.offload.connectors;

import static org.awaitility.Awaitility.await;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.Ledger;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import dev.offload.schemas.outbox.OutboxMessage;
import dev.offload.schemas.outbox.OutboxMigrations;
import dev.offload.schemas.outbox.OutboxTable;
import dev.offload.schemas.registry.InMemorySchemaRegistry;
import dev.offload.schemas.registry.SchemaRegistry;
import dev.offload.schemas.serde.AvroDeserializer;
import dev.offload.schemas.serde.AvroSerializer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.core.ConditionTimeoutException;

/**
 * What the connector integration tests share: writing outbox events as the ingest API does (payload
 * = Confluent-framed Avro), reading them back.
 */
final class OutboxTestSupport {
  private static final Schema PROBE =
      SchemaBuilder.record("OutboxProbe")
          .namespace("dev.offload.connectors.test")
          .fields()
          .requiredString("key")
          .requiredLong("seq")
          .endRecord();
  private static final SchemaRegistry REGISTRY = new InMemorySchemaRegistry();
  private static final AvroSerializer<GenericRecord> SERIALIZER = new AvroSerializer<>(REGISTRY);
  private static final AvroDeserializer<GenericRecord> DESERIALIZER =
      AvroDeserializer.generic(REGISTRY);

  private OutboxTestSupport() {}

  /**
   * The configuration keys that give a test's connector the slot {@code database}, the publication
   * {@code database_pub} and the name {@code it-database}: for {@code ConnectorConfig.with}.
   */
  static Map<String, String> namedAfter(String database) {
    return Map.of(
        "connector.slot", database,
        "connector.publication", database + "_pub",
        "connector.name", "it-" + database);
  }

  /**
   * One event as a publisher writes it; its payload, {@code {key, seq}} in the Confluent wire
   * format, carries the key and a per-key sequence.
   */
  record Event(UUID id, String type, String key, long seq, Instant occurredAt, String traceparent) {
    static Event next(String type, String key, long seq) {
      UUID traceId = UUID.randomUUID();
      String traceparent =
          "00-"
              + traceId.toString().replace("-", "")
              + "-"
              + String.format("%016x", ThreadLocalRandom.current().nextLong())
              + "-01";
      return new Event(
          UUID.randomUUID(),
          type,
          key,
          seq,
          Instant.now().truncatedTo(ChronoUnit.MICROS),
          traceparent);
    }

    /** The outbox payload: the same bytes for the same event, every time. */
    byte[] payload() {
      GenericRecord record = new GenericData.Record(PROBE);
      record.put("key", key);
      record.put("seq", seq);
      return SERIALIZER.serialize(Topics.events(type), record);
    }
  }

  /** A received record, reduced to what the tests check; {@code seq} is -1 for a tombstone. */
  record Received(
      String key,
      byte[] value,
      long seq,
      String eventId,
      Map<String, String> headers,
      long timestamp,
      int partition,
      long offset,
      boolean tombstone) {}

  static Connection connect(Infrastructure infra, String database) throws SQLException {
    return DriverManager.getConnection(
        infra.jdbcUrl(database), infra.postgresUser(), infra.postgresPassword());
  }

  /** Creates {@code database} with the outbox table. */
  static void createOutboxDatabase(Infrastructure infra, String database) throws SQLException {
    infra.createDatabase(database);
    try (Connection c = connect(infra, database)) {
      OutboxMigrations.migrate(c);
    }
  }

  /**
   * Creates {@code topic} with the broker's defaults, as a deployment would before traffic, so
   * latency measurements do not include auto-creation and leader election.
   */
  static void createTopic(String bootstrap, String topic) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty())))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  /** Inserts and deletes {@code events} in one transaction, as publishers do. */
  static void publish(Connection c, List<Event> events) throws SQLException {
    c.setAutoCommit(false);
    try (PreparedStatement insert = c.prepareStatement(OutboxTable.INSERT);
        PreparedStatement delete = c.prepareStatement(OutboxTable.DELETE)) {
      for (Event e : events) {
        insert.setObject(1, e.id());
        insert.setString(2, e.type());
        insert.setString(3, e.key());
        insert.setString(4, e.type());
        insert.setBytes(5, e.payload());
        insert.setObject(6, e.occurredAt().atOffset(ZoneOffset.UTC));
        insert.setString(7, "connector-it");
        insert.setString(8, e.traceparent());
        insert.addBatch();
        delete.setObject(1, e.id());
        delete.addBatch();
      }
      insert.executeBatch();
      delete.executeBatch();
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    }
  }

  /**
   * Emits {@code events} as outbox messages ({@code pg_logical_emit_message}, transactional) and
   * commits them in one transaction, as {@code OutboxWriter} does in message mode.
   */
  static void emit(Connection c, List<Event> events) throws SQLException {
    c.setAutoCommit(false);
    try {
      for (Event e : events) {
        emitMessage(c, e, OutboxMessage.PREFIX);
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    }
  }

  /**
   * Emits {@code event} as a logical decoding message with {@code prefix}, in the open transaction.
   */
  static void emitMessage(Connection c, Event event, String prefix) throws SQLException {
    byte[] body =
        new OutboxMessage(
                event.id(),
                event.type(),
                event.key(),
                event.occurredAt(),
                "connector-it",
                event.traceparent(),
                event.payload())
            .encode();
    try (PreparedStatement emit =
        c.prepareStatement("SELECT pg_logical_emit_message(true, ?, ?::bytea)")) {
      emit.setString(1, prefix);
      emit.setBytes(2, body);
      emit.execute();
    }
  }

  /** Reads {@code topic} from the start until {@code done} holds for what was read. */
  static List<Received> readUntil(
      String bootstrap, String topic, Duration timeout, Predicate<List<Received>> done) {
    List<Received> received = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap)) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(1))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> received.add(received(r)));
                return done.test(received);
              });
      // One more poll after the goal, so a duplicate arriving right behind it is seen too.
      consumer.poll(Duration.ofMillis(500)).forEach(r -> received.add(received(r)));
    }
    return received;
  }

  /** A consumer that reads every partition of {@code topic} from the start, without a group. */
  static KafkaConsumer<String, byte[]> assignedConsumer(String bootstrap, String topic) {
    KafkaConsumer<String, byte[]> consumer = consumer(bootstrap);
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }

  private static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG,
            "connector-it-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false),
        new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  private static Received received(ConsumerRecord<String, byte[]> r) {
    Map<String, String> headers = new HashMap<>();
    for (Header h : r.headers()) {
      headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
    }
    boolean tombstone = r.value() == null;
    long seq = tombstone ? -1 : (Long) DESERIALIZER.deserialize(r.topic(), r.value()).get("seq");
    return new Received(
        r.key(),
        r.value(),
        seq,
        headers.get(OffloadHeaders.EVENT_ID),
        headers,
        r.timestamp(),
        r.partition(),
        r.offset(),
        tombstone);
  }

  /**
   * Commits {@code count} events of {@code type} (keys {@code key-0} to {@code key-4}, sequence
   * numbers from {@code from}) straight to PostgreSQL in one transaction, then records each in
   * {@code ledger}.
   */
  static void publishRecorded(
      Infrastructure infra, String database, String type, int from, int count, Ledger ledger)
      throws SQLException {
    List<Event> events = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      events.add(Event.next(type, "key-" + (i % 5), i));
    }
    try (Connection c = connect(infra, database)) {
      publish(c, events);
    }
    events.forEach(e -> ledger.accepted(e.id().toString(), e.key()));
  }

  /** The events of {@code ledger} not on {@code topic}, read to its end. */
  static List<String> lost(String bootstrap, String topic, Ledger ledger) {
    return ledger.judge(Ledger.readToEnd(bootstrap, List.of(topic), Duration.ofSeconds(30))).lost();
  }

  /**
   * Waits until every event of {@code ledger} is on {@code topic}, reading again while Kafka does
   * not answer; fails after 120 s with what the ledger finds then.
   */
  static void awaitDelivered(String bootstrap, String topic, Ledger ledger) {
    try {
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .until(() -> lost(bootstrap, topic, ledger).isEmpty());
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "not every event on "
              + topic
              + " within 120 s: "
              + ledger.judge(Ledger.readToEnd(bootstrap, List.of(topic), Duration.ofSeconds(30))),
          e);
    }
  }

  /** Drops {@code slot} once no connector holds it, so the shared server keeps no stale slot. */
  static void dropSlot(Infrastructure infra, String database, String slot) throws SQLException {
    try (Connection c = connect(infra, database)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> !slotActive(c, slot));
      try (PreparedStatement drop =
          c.prepareStatement(
              "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                  + " WHERE slot_name = ?")) {
        drop.setString(1, slot);
        drop.execute();
      }
    }
  }

  static boolean slotActive(Connection c, String slot) throws SQLException {
    try (PreparedStatement q =
        c.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
      q.setString(1, slot);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  static long slotCount(Connection c, String slot) throws SQLException {
    try (PreparedStatement q =
        c.prepareStatement("SELECT count(*) FROM pg_replication_slots WHERE slot_name = ?")) {
      q.setString(1, slot);
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
