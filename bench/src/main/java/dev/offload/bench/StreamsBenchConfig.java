package dev.offload.bench;

import dev.offload.schemas.config.ConfigChecks.AtLeast;
import dev.offload.schemas.config.ConfigChecks.Positive;
import java.time.Duration;

/**
 * Settings of the stream-processing benchmark. The benchmark that runs it checks it ({@link
 * dev.offload.schemas.config.ConfigChecks#check}), naming the field that is wrong ({@code
 * payload-bytes must be at least 10}).
 *
 * @param events events preloaded and drained by every processor; default 100,000
 * @param rounds times each processor drains them, in rotating order; default 3
 * @param warmupEvents events each processor drains once, unmeasured, before the rounds; default
 *     20,000, 0 for none
 * @param commitInterval Kafka Streams {@code commit.interval.ms} of every topology and the raw
 *     loop's commit interval; default 100 ms, Offload's default for both guarantees
 * @param keys distinct keys (aggregate ids) the events are spread over; default 1,000
 */
public record StreamsBenchConfig(
    @AtLeast(1) int events,
    @AtLeast(1) int rounds,
    @AtLeast(0) int warmupEvents,
    @Positive Duration commitInterval,
    @AtLeast(1) int keys) {

  /** The defaults. */
  public static StreamsBenchConfig defaults() {
    return new StreamsBenchConfig(100_000, 3, 20_000, Duration.ofMillis(100), 1_000);
  }

  /** A run small enough to check that everything works: 2,000 events, one round, no warm-up. */
  public static StreamsBenchConfig quick() {
    return new StreamsBenchConfig(2_000, 1, 0, Duration.ofMillis(100), 100);
  }
}
