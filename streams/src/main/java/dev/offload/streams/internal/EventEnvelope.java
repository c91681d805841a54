package dev.offload.streams.internal;

import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Bytes;

/** Reads the Offload envelope (id, type, producer) out of a record's headers. */
public final class EventEnvelope {
  /** Producer reported for events that carry no {@code offload-producer} header. */
  public static final String UNKNOWN_PRODUCER = "unknown";

  private EventEnvelope() {}

  /** The last value of header {@code name} as UTF-8, or {@code null}. */
  public static String header(Headers headers, String name) {
    if (headers == null) {
      return null;
    }
    Header h = headers.lastHeader(name);
    if (h == null || h.value() == null) {
      return null;
    }
    String value = new String(h.value(), StandardCharsets.UTF_8).trim();
    return value.isEmpty() ? null : value;
  }

  /**
   * The event id as a compact state-store key ({@link EventIdKey}), read straight from the header
   * bytes.
   *
   * @throws IllegalArgumentException when the header is missing or blank (the record is
   *     dead-lettered)
   */
  public static Bytes requireEventIdKey(Headers headers) {
    Header h = headers == null ? null : headers.lastHeader(OffloadHeaders.EVENT_ID);
    Bytes key = h == null ? null : EventIdKey.of(h.value());
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
    String type = header(headers, OffloadHeaders.EVENT_TYPE);
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
    String producer = header(headers, OffloadHeaders.PRODUCER);
    return producer == null ? UNKNOWN_PRODUCER : producer;
  }
}
