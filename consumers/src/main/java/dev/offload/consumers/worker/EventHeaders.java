package dev.offload.consumers.worker;

import dev.offload.schemas.HeaderValues;
import dev.offload.schemas.OffloadHeaders;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;

/**
 * The envelope of an event, read from its Kafka headers. Missing or malformed headers read as
 * {@code null}.
 *
 * @param eventId the event's unique id ({@code offload-event-id}); what handlers deduplicate on
 * @param eventType the kebab-case type ({@code offload-event-type})
 * @param attempt which attempt this handling is, 1 for the first
 * @param occurredAt when the event happened ({@code offload-occurred-at})
 * @param producer the application that published it ({@code offload-producer})
 * @param traceparent W3C trace context ({@code traceparent})
 */
public record EventHeaders(
    String eventId,
    String eventType,
    int attempt,
    Instant occurredAt,
    String producer,
    String traceparent) {

  /** Reads the envelope from {@code headers}, with {@code attempt} as this handling's attempt. */
  public static EventHeaders from(Headers headers, int attempt) {
    return new EventHeaders(
        HeaderValues.eventId(headers),
        HeaderValues.text(headers, OffloadHeaders.EVENT_TYPE),
        attempt,
        HeaderValues.instant(headers, OffloadHeaders.OCCURRED_AT),
        HeaderValues.text(headers, OffloadHeaders.PRODUCER),
        HeaderValues.text(headers, OffloadHeaders.TRACEPARENT));
  }
}
