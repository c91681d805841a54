package dev.offload.bench;

import dev.offload.schemas.config.ConfigChecks.AtLeast;

/**
 * Settings of the ingest benchmark. The benchmark that runs it checks it ({@link
 * dev.offload.schemas.config.ConfigChecks#check}), naming the field that is wrong ({@code
 * payload-bytes must be at least 10}).
 *
 * @param events events published in the measured phase; default 20,000
 * @param warmupEvents events published first and not measured; default 1,000
 * @param concurrency requests (and, for the INSERT baseline, connections) in flight; default 16
 * @param keys distinct keys the events are spread over; default 100
 * @param payloadBytes approximate size of each event's data; default 200
 */
public record BenchConfig(
    @AtLeast(1) int events,
    @AtLeast(0) int warmupEvents,
    @AtLeast(1) int concurrency,
    @AtLeast(1) int keys,
    @AtLeast(10) int payloadBytes) {

  /** The defaults. */
  public static BenchConfig defaults() {
    return new BenchConfig(20_000, 1_000, 16, 100, 200);
  }
}
