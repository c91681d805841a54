package dev.offload.bench.internal.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether a stage kept up during one step. The step's samples are cut in thirds; a stage's backlog
 * "keeps growing" when the mean of each third is above the one before, the last exceeds the first
 * by more than a tenth of the stage's input rate per second, and the last is above one and a half
 * seconds of that input (a worker commits its offsets once a second, so a second of input can show
 * as lag while it keeps up). A stage that keeps up shows a flat backlog, however much it jitters.
 */
public final class BacklogTrend {
  private static final double GROWTH_SHARE = 0.1;
  private static final double BEHIND_SECONDS = 1.5;
  private static final long MIN_BACKLOG = 50;

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
   * The stages whose backlog kept growing, in path order: the stages counted by the benchmark
   * (those whose names start with {@code counted}, e.g. the API and capture) first, in the order of
   * the samples, then the consumer groups, fastest-growing relative to their input first. The first
   * is the one that bounds the rate: nothing past a saturated API sees the offered load.
   *
   * @param rate the offered rate of the step, events per second
   * @param share each stage's share of the offered events (1 when absent)
   * @param counted the stages the benchmark counts itself, upstream of every group
   */
  public static List<String> growing(
      List<Backlogs.Sample> samples, double rate, Map<String, Double> share, List<String> counted) {
    int third = samples.size() / 3;
    if (third == 0) {
      return List.of();
    }
    List<Backlogs.Sample> first = samples.subList(0, third);
    List<Backlogs.Sample> middle = samples.subList(third, samples.size() - third);
    List<Backlogs.Sample> last = samples.subList(samples.size() - third, samples.size());
    Map<String, Double> ratios = new LinkedHashMap<>();
    for (Map.Entry<String, Double> e : growth(samples).entrySet()) {
      String stage = e.getKey();
      double input = rate * share.getOrDefault(stage, 1.0);
      double ratio = input <= 0 ? 0 : e.getValue() / input;
      boolean rising =
          mean(first, stage) < mean(middle, stage) && mean(middle, stage) < mean(last, stage);
      boolean behind = mean(last, stage) > Math.max(MIN_BACKLOG, BEHIND_SECONDS * input);
      if (rising && behind && ratio > GROWTH_SHARE) {
        ratios.put(stage, ratio);
      }
    }
    List<String> growing = new ArrayList<>();
    counted.stream().filter(ratios::containsKey).forEach(growing::add);
    ratios.entrySet().stream()
        .filter(e -> !counted.contains(e.getKey()))
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> growing.add(e.getKey()));
    return growing;
  }

  private static double mean(List<Backlogs.Sample> samples, String stage) {
    return samples.stream().mapToLong(s -> s.backlog().getOrDefault(stage, 0L)).average().orElse(0);
  }

  private static double center(List<Backlogs.Sample> samples) {
    return samples.stream().mapToLong(Backlogs.Sample::nanos).average().orElse(0);
  }
}
