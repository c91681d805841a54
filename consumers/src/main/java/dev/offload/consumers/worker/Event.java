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
 * @param <T> the value type, as produced by the handler's deserializer
 */
public record Event<T>(
    String key, T value, EventHeaders headers, String topic, int partition, long offset) {}
