package dev.offload.bench;

import dev.offload.schemas.config.ConfigChecks.AtLeast;

/**
 * Settings of the replay benchmark. The benchmark that runs it checks it ({@link
 * dev.offload.schemas.config.ConfigChecks#check}), naming the field that is wrong ({@code
 * payload-bytes must be at least 10}).
 *
 * @param events events preloaded and copied by each side in each round; default 200,000
 * @param rounds measured rounds, the two sides taking turns first; default 3
 * @param warmup whether both sides copy the range once, unmeasured, before the rounds; default yes
 * @param keys distinct keys the events are spread over; default 1,000
 */
public record ReplayBenchConfig(
    @AtLeast(1) int events, @AtLeast(1) int rounds, boolean warmup, @AtLeast(1) int keys) {

  /** The defaults. */
  public static ReplayBenchConfig defaults() {
    return new ReplayBenchConfig(200_000, 3, true, 1_000);
  }

  /** A run small enough to check that everything works: 2,000 events, one round, no warm-up. */
  public static ReplayBenchConfig quick() {
    return new ReplayBenchConfig(2_000, 1, false, 100);
  }
}
