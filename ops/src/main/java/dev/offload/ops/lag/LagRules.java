package dev.offload.ops.lag;

import java.util.List;

/**
 * The status rules of {@link LagStatus}, as a pure function of a window of samples: no broker, no
 * clock beyond the times already in the samples.
 */
public final class LagRules {
  private LagRules() {}

  /**
   * The status of one group on one partition over {@code window}; see {@link LagStatus} for the
   * rules. An empty window is OK.
   */
  public static LagStatus evaluate(SampleWindow window) {
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
    if (!newest.consumerPresent() && !commitsMoved) {
      return LagStatus.STOP;
    }
    if (full && !commitsMoved) {
      return LagStatus.STALL;
    }
    if (full && lagRoseThroughout(sound)) {
      return LagStatus.WARN;
    }
    return LagStatus.OK;
  }

  private static boolean lagRoseThroughout(List<LagSample> samples) {
    for (int i = 1; i < samples.size(); i++) {
      if (samples.get(i).lag() < samples.get(i - 1).lag()) {
        return false;
      }
    }
    return samples.get(samples.size() - 1).lag() > samples.get(0).lag();
  }
}
