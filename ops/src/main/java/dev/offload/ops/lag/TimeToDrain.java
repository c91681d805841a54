package dev.offload.ops.lag;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * Estimates how long a group needs to consume its lag, from the rates its samples show: the consume
 * rate (committed offsets moving over the window) against the produce rate (log end moving over the
 * same span). A pure function of a {@link SampleWindow}, like {@link LagRules}.
 *
 * <p>The estimate is {@code lag / (consume rate − produce rate)} in seconds: 0 without lag, {@link
 * Double#POSITIVE_INFINITY} ("never") when the group is not gaining on the log end, {@link
 * Double#NaN} when the window cannot tell (fewer than two sound samples, or no time between them).
 */
public final class TimeToDrain {

  /** What a time-to-drain value says. */
  public enum Drain {
    /** No lag: 0 s. */
    DRAINED,
    /** Gaining on the log end: a finite number of seconds. */
    DRAINING,
    /** Not gaining: the lag will not reach 0 at the current rates. */
    NEVER,
    /** The samples cannot tell yet. */
    UNKNOWN;

    /** The state of a time-to-drain value in seconds. */
    public static Drain of(double seconds) {
      if (Double.isNaN(seconds)) {
        return UNKNOWN;
      }
      if (Double.isInfinite(seconds)) {
        return NEVER;
      }
      return seconds == 0 ? DRAINED : DRAINING;
    }
  }

  private TimeToDrain() {}

  /**
   * Seconds until the lag of one group on one partition reaches 0 at the rates of {@code window}.
   */
  public static double seconds(SampleWindow window) {
    if (window.samples().isEmpty() || window.newest().failed()) {
      return Double.NaN;
    }
    LagSample newest = window.newest();
    if (newest.lag() == 0) {
      return 0;
    }
    List<LagSample> sound = window.successful();
    LagSample oldest = sound.get(0);
    double elapsed = Duration.between(oldest.at(), newest.at()).toNanos() / 1e9;
    if (sound.size() < 2 || elapsed <= 0) {
      return Double.NaN;
    }
    double consumed = (newest.committed() - oldest.committed()) / elapsed;
    double produced = (newest.logEnd() - oldest.logEnd()) / elapsed;
    double gain = consumed - produced;
    return gain <= 0 ? Double.POSITIVE_INFINITY : newest.lag() / gain;
  }

  /**
   * Seconds until every one of a group's partitions is drained: the longest of theirs; never when
   * any partition never drains; unknown when any lagging partition is unknown and none never
   * drains; 0 when all are drained or there are none.
   */
  public static double ofGroup(Collection<Double> partitions) {
    double longest = 0;
    boolean unknown = false;
    for (double seconds : partitions) {
      if (Double.isNaN(seconds)) {
        unknown = true;
      } else {
        longest = Math.max(longest, seconds);
      }
    }
    if (Double.isInfinite(longest)) {
      return longest;
    }
    return unknown ? Double.NaN : longest;
  }
}
