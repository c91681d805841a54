package dev.offload.bench.internal.pipeline;

import java.util.Map;

/**
 * One step as it ran.
 *
 * @param rate offered events per second
 * @param startNanos when its first request was due ({@link System#nanoTime()})
 * @param endNanos when its last request was answered
 * @param sent requests started
 * @param growth each stage's backlog growth over the step, events per second
 * @param growing the stage whose backlog kept growing, or null
 */
public record StepRun(
    int rate,
    long startNanos,
    long endNanos,
    long sent,
    Map<String, Double> growth,
    String growing) {

  /** Copies the growth. */
  public StepRun {
    growth = Map.copyOf(growth);
  }

  /** Seconds from the first due request to the last answer. */
  public double seconds() {
    return (endNanos - startNanos) / 1e9;
  }
}
