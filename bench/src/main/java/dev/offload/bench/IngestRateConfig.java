package dev.offload.bench;

import dev.offload.schemas.config.ConfigChecks.AtLeast;
import dev.offload.schemas.outbox.OutboxMode;

/**
 * Settings of {@code offload bench ingest}. The benchmark that runs it checks it ({@link
 * dev.offload.schemas.config.ConfigChecks#check}), naming the field that is wrong ({@code
 * payload-bytes must be at least 10}).
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
    @AtLeast(1) int events,
    @AtLeast(1) int concurrency,
    @AtLeast(1) int batchSize,
    double seconds,
    double loadFraction,
    @AtLeast(1) int keys,
    @AtLeast(10) int payloadBytes,
    @AtLeast(0) int warmupEvents,
    @AtLeast(1) int rounds,
    OutboxMode outboxMode) {

  /** Validates the two fractional fields, naming the one that is wrong. */
  public IngestRateConfig {
    if (!(seconds > 0)) {
      throw new IllegalArgumentException("seconds must be above 0, was " + seconds);
    }
    if (!(loadFraction > 0 && loadFraction <= 1)) {
      throw new IllegalArgumentException(
          "load-fraction must be above 0 and at most 1, was " + loadFraction);
    }
  }

  /** The defaults. */
  public static IngestRateConfig defaults() {
    return new IngestRateConfig(20_000, 64, 50, 20, 0.5, 100, 200, 100_000, 5, OutboxMode.TABLE);
  }
}
