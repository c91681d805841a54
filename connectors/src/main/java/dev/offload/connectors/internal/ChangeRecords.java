package dev.offload.connectors.internal;

import dev.offload.connectors.TableCapture;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import dev.offload.schemas.registry.SchemaRegistry;
import dev.offload.schemas.serde.AvroSerdeConfig;
import dev.offload.schemas.serde.AvroSerializer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns Debezium change events of captured tables into Kafka records on {@code
 * offload.changes.<schema>.<table>}: key = the primary key, value = the change event (before,
 * after, source, op, ts), both Avro in the Confluent wire format with their schemas registered
 * under {@code <topic>-key} and {@code <topic>-value}.
 *
 * <p>Headers: {@code offload-event-id}, a UUID derived from table, WAL position, op and key (the
 * same change delivered twice has the same id); {@code offload-event-type} {@value #EVENT_TYPE};
 * {@code offload-occurred-at}, the commit time in the source (for snapshot reads, when the row was
 * read); {@code offload-producer}, the database name.
 *
 * <p>Avro schemas are converted once per Connect schema instance (Debezium keeps one per table
 * until the table changes) and registered once per distinct schema by the serializer.
 */
public final class ChangeRecords {
  /** The {@code offload-event-type} of every change event. */
  public static final String EVENT_TYPE = "change";

  private final Set<String> tables;
  private final AvroSerializer<GenericContainer> keys;
  private final AvroSerializer<GenericContainer> values;
  private final Map<String, Converted> keySchemas = new ConcurrentHashMap<>();
  private final Map<String, Converted> valueSchemas = new ConcurrentHashMap<>();

  /** Converts changes of {@code capture}'s tables, registering schemas in {@code registry}. */
  public ChangeRecords(TableCapture capture, SchemaRegistry registry) {
    this.tables = Set.copyOf(capture.tables());
    this.keys = new AvroSerializer<>(registry, AvroSerdeConfig.defaults().forKeys());
    this.values = new AvroSerializer<>(registry, AvroSerdeConfig.defaults());
  }

  /** The captured table ({@code schema.table}) {@code record} changes, or {@code null}. */
  public String capturedTable(SourceRecord record) {
    String table = tableOf(record);
    return table != null && tables.contains(table) ? table : null;
  }

  /**
   * The Kafka record of a change of a captured table.
   *
   * @throws IllegalStateException naming the table and field when the change cannot be converted
   */
  public ProducerRecord<byte[], byte[]> toProducerRecord(SourceRecord record) {
    String table = capturedTable(record);
    String topic = TableCapture.topicOf(table);
    Struct value = (Struct) record.value();
    try {
      byte[] key =
          record.key() == null
              ? null
              : keys.serialize(topic, avro(keySchemas, table, record.keySchema(), record.key()));
      byte[] bytes =
          values.serialize(topic, avro(valueSchemas, table, record.valueSchema(), value));
      RecordHeaders headers = new RecordHeaders();
      headers.add(OffloadHeaders.EVENT_ID, utf8(eventId(table, record).toString()));
      headers.add(OffloadHeaders.EVENT_TYPE, utf8(EVENT_TYPE));
      Instant occurredAt = sourceTime(record);
      if (occurredAt != null) {
        headers.add(OffloadHeaders.OCCURRED_AT, utf8(occurredAt.toString()));
      }
      Struct source = value.getStruct("source");
      headers.add(OffloadHeaders.PRODUCER, utf8(source.getString("db")));
      return new ProducerRecord<>(topic, null, null, key, bytes, headers);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot convert a change of " + table + " to Avro: " + e.getMessage(), e);
    }
  }

  /** The change's op: {@code c}, {@code u}, {@code d} or {@code r} (snapshot read). */
  public static String op(SourceRecord record) {
    return ((Struct) record.value()).getString("op");
  }

  /** When the change was committed in the source (or read, for a snapshot), if known. */
  public static Instant sourceTime(SourceRecord record) {
    Struct source = ((Struct) record.value()).getStruct("source");
    if (source.schema().field("ts_us") != null && source.getInt64("ts_us") != null) {
      return Instant.EPOCH.plus(source.getInt64("ts_us"), ChronoUnit.MICROS);
    }
    Long millis = source.getInt64("ts_ms");
    return millis == null ? null : Instant.ofEpochMilli(millis);
  }

  /** A UUID that is the same whenever this change (table, WAL position, op, key) is delivered. */
  static UUID eventId(String table, SourceRecord record) {
    Struct source = ((Struct) record.value()).getStruct("source");
    Object lsn = source.schema().field("lsn") == null ? null : source.get("lsn");
    String identity = table + "|" + lsn + "|" + op(record) + "|" + record.key();
    return UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8));
  }

  private static String tableOf(SourceRecord record) {
    if (!(record.value() instanceof Struct value)
        || value.schema().field("source") == null
        || value.schema().field("op") == null) {
      return null;
    }
    Struct source = value.getStruct("source");
    if (source == null
        || source.schema().field("schema") == null
        || source.schema().field("table") == null) {
      return null;
    }
    String schema = source.getString("schema");
    String table = source.getString("table");
    return schema == null || table == null ? null : schema + "." + table;
  }

  private static GenericContainer avro(
      Map<String, Converted> cache,
      String table,
      org.apache.kafka.connect.data.Schema connect,
      Object value) {
    Converted converted = cache.get(table);
    if (converted == null || converted.connect() != connect) {
      converted =
          new Converted(connect, ConnectAvro.toAvroSchema(connect, Topics.CHANGES_PREFIX + table));
      cache.put(table, converted);
    }
    return (GenericContainer) ConnectAvro.toAvroValue(converted.avro(), connect, value);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** The Avro schema made of one Connect schema instance. */
  private record Converted(org.apache.kafka.connect.data.Schema connect, Schema avro) {}
}
