package dev.offload.bench;

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
    requireAtLeast(events, 1, "events");
    requireAtLeast(warmupEvents, 0, "warmupEvents");
    requireAtLeast(concurrency, 1, "concurrency");
    requireAtLeast(keys, 1, "keys");
    requireAtLeast(payloadBytes, 10, "payloadBytes");
  }

  /** The defaults. */
  public static BenchConfig defaults() {
    return new BenchConfig(20_000, 1_000, 16, 100, 200);
  }

  private static void requireAtLeast(int value, int min, String field) {
    if (value < min) {
      throw new IllegalArgumentException(field + " must be at least " + min + ", was " + value);
    }
  }
}
