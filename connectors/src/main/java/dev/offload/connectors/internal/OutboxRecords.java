package dev.offload.connectors.internal;

import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import io.debezium.connector.postgresql.SourceInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns the records that the outbox EventRouter emits into Kafka producer records.
 *
 * <p>The router has already chosen the topic ({@code offload.events.<type>}), the key (the
 * aggregate id), the value (the payload column, bytes) and copied the envelope columns into headers
 * named after {@link OffloadHeaders}. Records on other topics (Debezium heartbeats) are not events.
 */
public final class OutboxRecords {
  /** The headers copied to Kafka, in this order. */
  static final List<String> HEADERS =
      List.of(
          OffloadHeaders.EVENT_ID,
          OffloadHeaders.EVENT_TYPE,
          OffloadHeaders.OCCURRED_AT,
          OffloadHeaders.PRODUCER,
          OffloadHeaders.TRACEPARENT);

  private OutboxRecords() {}

  /** Whether {@code record} is a routed outbox event rather than a heartbeat. */
  public static boolean isEvent(SourceRecord record) {
    return record.topic() != null && record.topic().startsWith(Topics.EVENTS_PREFIX);
  }

  /**
   * The Kafka record for a routed outbox event: key as routed (UTF-8 text), value the payload's
   * bytes exactly as the publisher wrote them (Confluent-framed Avro, or JSON from a schemaless
   * publisher; never decoded or re-encoded), the Offload headers as UTF-8 strings (absent when the
   * column is null). The timestamp is left to the producer (send time): the event's own time
   * travels in {@code offload-occurred-at}.
   */
  public static ProducerRecord<byte[], byte[]> toProducerRecord(SourceRecord record) {
    RecordHeaders headers = new RecordHeaders();
    for (String name : HEADERS) {
      header(record, name)
          .ifPresent(value -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
    }
    Object key = record.key();
    Object value = record.value();
    return new ProducerRecord<>(
        record.topic(),
        null,
        null,
        key == null ? null : key.toString().getBytes(StandardCharsets.UTF_8),
        bytes(record.topic(), value),
        headers);
  }

  /**
   * The payload's bytes. With {@code binary.handling.mode=bytes} Debezium hands a {@code bytea}
   * column over as a {@link ByteBuffer}; a {@code byte[]} is accepted too.
   */
  static byte[] bytes(String topic, Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof byte[] array) {
      return array;
    }
    if (value instanceof ByteBuffer buffer) {
      // Read through a duplicate, so the record's buffer keeps its position.
      ByteBuffer view = buffer.duplicate();
      byte[] copy = new byte[view.remaining()];
      view.get(copy);
      return copy;
    }
    throw new IllegalStateException(
        "outbox payload for "
            + topic
            + " is a "
            + value.getClass().getName()
            + ", expected bytes: is the payload column bytea (outbox migration V2)?");
  }

  /** The value of header {@code name} as text, if present and not null. */
  public static Optional<String> header(SourceRecord record, String name) {
    Header header = record.headers().lastWithName(name);
    return header == null || header.value() == null
        ? Optional.empty()
        : Optional.of(header.value().toString());
  }

  /** When the event happened, from its {@code offload-occurred-at} header, if readable. */
  public static Optional<Instant> occurredAt(SourceRecord record) {
    try {
      return header(record, OffloadHeaders.OCCURRED_AT)
          .map(text -> OffsetDateTime.parse(text).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /**
   * When the transaction that wrote the event committed, from the position Debezium records with
   * each change ({@code ts_usec}: the commit's time for a streamed change), if it carries one.
   */
  public static Optional<Instant> committedAt(SourceRecord record) {
    Map<String, ?> offset = record.sourceOffset();
    if (offset != null && offset.get(SourceInfo.TIMESTAMP_USEC_KEY) instanceof Number micros) {
      long us = micros.longValue();
      return Optional.of(Instant.ofEpochSecond(us / 1_000_000, (us % 1_000_000) * 1_000));
    }
    return Optional.empty();
  }
}
