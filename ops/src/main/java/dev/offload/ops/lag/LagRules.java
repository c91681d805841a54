package dev.offload.ops.lag;

import java.time.Duration;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The status rules of {@link LagStatus}, as a pure function of a window of samples and the group's
 * lag objective: no broker, no clock beyond the times already in the samples.
 */
public final class LagRules {
  private LagRules() {}

  /**
   * The status of one group on one partition over {@code window}, against the group's {@code
   * objective}; see {@link LagStatus} for the rules. An empty window is OK.
   */
  public static LagStatus evaluate(SampleWindow window, Duration objective) {
    if (window.samples().isEmpty()) {
      return LagStatus.OK;
    }
    LagSample newest = window.newest();
    if (newest.failed()) {
      return LagStatus.ERR;
    }
    if (newest.lag() == 0) {
      return LagStatus.OK;
    }
    List<LagSample> sound = window.successful();
    boolean commitsMoved = sound.get(0).committed() != newest.committed();
    boolean full = sound.size() >= window.capacity();
    boolean overObjective =
        newest.hasLagSeconds() && newest.lagSeconds() > objective.toNanos() / 1e9;
    if (overObjective && full && growing(sound)) {
      return LagStatus.ERR;
    }
    if (!newest.consumerPresent() && !commitsMoved) {
      return LagStatus.STOP;
    }
    if (full && !commitsMoved) {
      return LagStatus.STALL;
    }
    if (overObjective) {
      return LagStatus.WARN;
    }
    if (!newest.hasLagSeconds() && full && roseThroughout(sound, s -> s.lag())) {
      return LagStatus.WARN;
    }
    return LagStatus.OK;
  }

  /**
   * Whether the lag rose over the whole window: in records, or in seconds while the records did not
   * fall. A group working off a backlog of old records sees their age rise although it is catching
   * up (its records fall): that is not growth.
   */
  private static boolean growing(List<LagSample> samples) {
    boolean secondsKnown = samples.stream().allMatch(LagSample::hasLagSeconds);
    boolean recordsFell = samples.get(samples.size() - 1).lag() < samples.get(0).lag();
    return roseThroughout(samples, s -> s.lag())
        || (secondsKnown && !recordsFell && roseThroughout(samples, LagSample::lagSeconds));
  }

  // Never fell from one sample to the next, and ends higher than it started.
  private static boolean roseThroughout(
      List<LagSample> samples, ToDoubleFunction<LagSample> value) {
    for (int i = 1; i < samples.size(); i++) {
      if (value.applyAsDouble(samples.get(i)) < value.applyAsDouble(samples.get(i - 1))) {
        return false;
      }
    }
    return value.applyAsDouble(samples.get(samples.size() - 1))
        > value.applyAsDouble(samples.get(0));
  }
}
