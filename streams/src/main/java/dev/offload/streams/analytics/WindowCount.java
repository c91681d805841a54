package dev.offload.streams.analytics;

import java.time.Instant;

/**
 * The number of events counted for one key in one window; also the JSON value written to the output
 * topics and returned by the query API.
 *
 * @param dimension {@code type} or {@code producer}
 * @param key the event type or producer counted
 * @param window {@code 1m} or {@code 1h}
 * @param start window start (inclusive)
 * @param end window end (exclusive)
 * @param count events counted
 */
public record WindowCount(
    String dimension, String key, String window, Instant start, Instant end, long count) {}
