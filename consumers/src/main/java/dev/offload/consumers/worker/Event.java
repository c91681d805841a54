package dev.offload.consumers.worker;

/**
 * One event handed to a handler.
 *
 * @param key the record key (the aggregate id) as UTF-8 text, or {@code null}
 * @param value the deserialized value ({@code null} for a tombstone)
 * @param headers the envelope: event id, type, attempt, occurrence time
 * @param topic the topic the event was first consumed from (never a delay topic)
 * @param partition its partition there
 * @param offset its offset there
 * @param serializedSize the record's key and value size in bytes as consumed, what bounds a batch
 *     by bytes ({@link BatchOptions#maxBytes()}); 0 when unknown
 * @param <T> the value type, as produced by the handler's deserializer
 */
public record Event<T>(
    String key,
    T value,
    EventHeaders headers,
    String topic,
    int partition,
    long offset,
    int serializedSize) {

  /** An event whose serialized size is unknown (0). */
  public Event(
      String key, T value, EventHeaders headers, String topic, int partition, long offset) {
    this(key, value, headers, topic, partition, offset, 0);
  }
}
