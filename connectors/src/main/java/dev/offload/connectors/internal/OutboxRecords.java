package dev.offload.connectors.internal;

import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns the records that the outbox EventRouter emits into Kafka producer records.
 *
 * <p>The router has already chosen the topic ({@code offload.events.<type>}), the key (the
 * aggregate id), the value (the payload, JSON text) and copied the envelope columns into headers
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
   * The Kafka record for a routed outbox event: key as routed, value the payload as UTF-8 bytes,
   * the Offload headers as UTF-8 strings (absent when the column is null). The timestamp is left to
   * the producer (send time): the event's own time travels in {@code offload-occurred-at}.
   */
  public static ProducerRecord<String, byte[]> toProducerRecord(SourceRecord record) {
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
        key == null ? null : key.toString(),
        value == null ? null : value.toString().getBytes(StandardCharsets.UTF_8),
        headers);
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
}
