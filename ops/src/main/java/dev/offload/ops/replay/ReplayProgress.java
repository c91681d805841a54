package dev.offload.ops.replay;

import java.time.Duration;

/**
 * How far a replay has come.
 *
 * @param done offsets of the plan scanned so far
 * @param total offsets in the plan
 * @param copied records copied so far (fewer than {@code done} with filters)
 * @param elapsed time since the replay started
 */
public record ReplayProgress(long done, long total, long copied, Duration elapsed) {

  /** Offsets scanned per second so far; 0 at the start. */
  public double rate() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds <= 0 ? 0 : done / seconds;
  }

  /** Time left at the rate so far; {@code null} while there is no rate to go by. */
  public Duration eta() {
    double rate = rate();
    if (done >= total) {
      return Duration.ZERO;
    }
    return rate <= 0 ? null : Duration.ofMillis(Math.round((total - done) / rate * 1000));
  }

  /** Fraction of the plan done, 0 to 1 (1 for an empty plan). */
  public double fraction() {
    return total == 0 ? 1 : (double) done / total;
  }
}
