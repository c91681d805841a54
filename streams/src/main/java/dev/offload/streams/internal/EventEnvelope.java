package dev.offload.streams.internal;

import dev.offload.schemas.HeaderValues;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Bytes;

/** Reads the Offload envelope (id, type, producer) out of a record's headers. */
public final class EventEnvelope {
  /** Producer reported for events that carry no {@code offload-producer} header. */
  public static final String UNKNOWN_PRODUCER = "unknown";

  private EventEnvelope() {}

  /**
   * The event id as a compact state-store key ({@link EventIdKey}), read straight from the header
   * bytes.
   *
   * @throws IllegalArgumentException when the header is missing or blank (the record is
   *     dead-lettered)
   */
  public static Bytes requireEventIdKey(Headers headers) {
    Bytes key = EventIdKey.of(HeaderValues.bytes(headers, OffloadHeaders.EVENT_ID));
    if (key == null) {
      throw new IllegalArgumentException(
          "record has no " + OffloadHeaders.EVENT_ID + " header, so it cannot be deduplicated");
    }
    return key;
  }

  /**
   * The event type: the {@code offload-event-type} header, else the type named by the topic.
   *
   * @throws IllegalArgumentException when neither names one (the record is dead-lettered)
   */
  public static String requireEventType(Headers headers, String topic) {
    String type = HeaderValues.nonBlank(headers, OffloadHeaders.EVENT_TYPE);
    if (type == null) {
      type = Topics.eventTypeOf(topic);
    }
    if (type == null) {
      throw new IllegalArgumentException(
          "record has no "
              + OffloadHeaders.EVENT_TYPE
              + " header and topic '"
              + topic
              + "' is not an "
              + Topics.EVENTS_PREFIX
              + "<type> topic");
    }
    return type;
  }

  /** The producer, or {@link #UNKNOWN_PRODUCER}. */
  public static String producer(Headers headers) {
    String producer = HeaderValues.nonBlank(headers, OffloadHeaders.PRODUCER);
    return producer == null ? UNKNOWN_PRODUCER : producer;
  }
}
