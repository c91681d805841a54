package dev.offload.bench;

import dev.offload.runtime.config.ConfigChecks;

/**
 * Settings of the ingest benchmark.
 *
 * @param events events published in the measured phase; default 20,000
 * @param warmupEvents events published first and not measured; default 1,000
 * @param concurrency requests (and, for the INSERT baseline, connections) in flight; default 16
 * @param keys distinct keys the events are spread over; default 100
 * @param payloadBytes approximate size of each event's data; default 200
 */
public record BenchConfig(
    int events, int warmupEvents, int concurrency, int keys, int payloadBytes) {

  /** Validates every field and names the one that is wrong. */
  public BenchConfig {
    ConfigChecks.atLeast(events, 1, "events");
    ConfigChecks.atLeast(warmupEvents, 0, "warmupEvents");
    ConfigChecks.atLeast(concurrency, 1, "concurrency");
    ConfigChecks.atLeast(keys, 1, "keys");
    ConfigChecks.atLeast(payloadBytes, 10, "payloadBytes");
  }

  /** The defaults. */
  public static BenchConfig defaults() {
    return new BenchConfig(20_000, 1_000, 16, 100, 200);
  }
}
