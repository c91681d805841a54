package dev.offload.bench.internal.pipeline;

import java.util.List;
import java.util.Map;

/**
 * One step as it ran.
 *
 * @param rate offered events per second
 * @param startNanos when its first request was due ({@link System#nanoTime()})
 * @param endNanos when its last request was answered
 * @param sent requests started
 * @param growth each stage's backlog growth over the step, events per second
 * @param growing the stages whose backlog kept growing, the one that bounds the rate first
 */
public record StepRun(
    int rate,
    long startNanos,
    long endNanos,
    long sent,
    Map<String, Double> growth,
    List<String> growing) {

  /** Copies the growth and the stages. */
  public StepRun {
    growth = Map.copyOf(growth);
    growing = List.copyOf(growing);
  }

  /** The stage that bounds the rate in this step, or null when every stage kept up. */
  public String bound() {
    return growing.isEmpty() ? null : growing.get(0);
  }

  /** The growing stages with their growth, e.g. {@code offload-router (+120/s)}. */
  public String describeGrowing() {
    return String.join(
        ", ",
        growing.stream()
            .map(s -> String.format("%s (%+,.0f/s)", s, growth.getOrDefault(s, 0.0)))
            .toList());
  }

  /** Seconds from the first due request to the last answer. */
  public double seconds() {
    return (endNanos - startNanos) / 1e9;
  }
}
