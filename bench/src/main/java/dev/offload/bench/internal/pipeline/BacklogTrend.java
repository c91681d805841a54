package dev.offload.bench.internal.pipeline;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a stage kept up during one step: its backlog "keeps growing" when the mean of the step's
 * last third of samples exceeds the mean of its first third by more than a tenth of the stage's
 * input rate per second, and is above half a second of that input. A stage that keeps up shows a
 * flat backlog, however much it jitters with commit intervals.
 */
public final class BacklogTrend {
  private static final double GROWTH_SHARE = 0.1;
  private static final double BEHIND_SECONDS = 0.5;
  private static final long MIN_BACKLOG = 20;

  private BacklogTrend() {}

  /**
   * The growth of each stage's backlog in events per second over the samples, by stage.
   *
   * @param samples the samples of one step, oldest first
   */
  public static Map<String, Double> growth(List<Backlogs.Sample> samples) {
    Map<String, Double> growth = new LinkedHashMap<>();
    int third = samples.size() / 3;
    if (third == 0) {
      return growth;
    }
    List<Backlogs.Sample> first = samples.subList(0, third);
    List<Backlogs.Sample> last = samples.subList(samples.size() - third, samples.size());
    double seconds = (center(last) - center(first)) / 1e9;
    for (String stage : samples.get(samples.size() - 1).backlog().keySet()) {
      growth.put(stage, (mean(last, stage) - mean(first, stage)) / seconds);
    }
    return growth;
  }

  /**
   * The stage whose backlog kept growing fastest relative to its input, if any did.
   *
   * @param rate the offered rate of the step, events per second
   * @param share each stage's share of the offered events (1 when absent)
   */
  public static Optional<String> growing(
      List<Backlogs.Sample> samples, double rate, Map<String, Double> share) {
    Map<String, Double> growth = growth(samples);
    int third = samples.size() / 3;
    String worst = null;
    double worstRatio = 0;
    for (Map.Entry<String, Double> e : growth.entrySet()) {
      double input = rate * share.getOrDefault(e.getKey(), 1.0);
      if (input <= 0) {
        continue;
      }
      double behind = mean(samples.subList(samples.size() - third, samples.size()), e.getKey());
      double ratio = e.getValue() / input;
      boolean grows =
          ratio > GROWTH_SHARE && behind > Math.max(MIN_BACKLOG, BEHIND_SECONDS * input);
      if (grows && ratio > worstRatio) {
        worst = e.getKey();
        worstRatio = ratio;
      }
    }
    return Optional.ofNullable(worst);
  }

  private static double mean(List<Backlogs.Sample> samples, String stage) {
    return samples.stream().mapToLong(s -> s.backlog().getOrDefault(stage, 0L)).average().orElse(0);
  }

  private static double center(List<Backlogs.Sample> samples) {
    return samples.stream().mapToLong(Backlogs.Sample::nanos).average().orElse(0);
  }
}
