package dev.offload.bench;

import dev.offload.runtime.config.ConfigChecks;
import dev.offload.schemas.outbox.OutboxMode;

/**
 * Settings of {@code offload bench ingest}.
 *
 * @param events events per saturation phase (closed loop); default 20,000
 * @param concurrency requests in flight in the saturation phases, and connections of the raw INSERT
 *     baseline and of the HTTP client in every phase; default 64
 * @param batchSize events per {@code POST /v1/events:batch} request; default 50
 * @param seconds length of each constant-rate (open-loop) phase; default 20
 * @param loadFraction the constant rate as a share of the measured saturation rate; default 0.5
 * @param keys distinct keys the events are spread over; default 100
 * @param payloadBytes approximate size of each event's data; default 200
 * @param warmupEvents single events, and as many events in batches and raw INSERTs, sent before
 *     anything is measured, so that every path runs compiled code (JIT) when it is; default 100,000
 * @param rounds saturation rounds (raw, single and batch in an order that rotates each round); the
 *     figures are the medians; default 5
 * @param outboxMode how the API writes events: outbox rows or logical decoding messages; default
 *     {@link OutboxMode#TABLE}
 */
public record IngestRateConfig(
    int events,
    int concurrency,
    int batchSize,
    double seconds,
    double loadFraction,
    int keys,
    int payloadBytes,
    int warmupEvents,
    int rounds,
    OutboxMode outboxMode) {

  /** Validates every field and names the one that is wrong. */
  public IngestRateConfig {
    ConfigChecks.atLeast(events, 1, "events");
    ConfigChecks.atLeast(concurrency, 1, "concurrency");
    ConfigChecks.atLeast(batchSize, 1, "batchSize");
    ConfigChecks.atLeast(keys, 1, "keys");
    ConfigChecks.atLeast(payloadBytes, 10, "payloadBytes");
    ConfigChecks.atLeast(warmupEvents, 0, "warmupEvents");
    ConfigChecks.atLeast(rounds, 1, "rounds");
    if (outboxMode == null) {
      throw new IllegalArgumentException("outboxMode is required");
    }
    if (!(seconds > 0)) {
      throw new IllegalArgumentException("seconds must be above 0, was " + seconds);
    }
    if (!(loadFraction > 0 && loadFraction <= 1)) {
      throw new IllegalArgumentException(
          "loadFraction must be above 0 and at most 1, was " + loadFraction);
    }
  }

  /** The defaults. */
  public static IngestRateConfig defaults() {
    return new IngestRateConfig(20_000, 64, 50, 20, 0.5, 100, 200, 100_000, 5, OutboxMode.TABLE);
  }
}
