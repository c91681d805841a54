package dev.offload.bench.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

class BacklogTrendTest {
  private static final long QUARTER_SECOND = 250_000_000L;

  @Test
  void aBacklogThatRisesThroughTheStepKeepsGrowing() {
    // 100 events/s offered, the stage drains 70: its backlog grows by 30 a second.
    List<Backlogs.Sample> samples = samples(40, i -> i * 30 / 4, i -> 3);
    assertThat(BacklogTrend.growing(samples, 100, Map.of(), List.of())).containsExactly("slow");
  }

  @Test
  void aFlatBacklogThatJittersWithCommitsDoesNotGrow() {
    // A worker committing once a second: its lag climbs to a second of input, then drops.
    List<Backlogs.Sample> samples = samples(40, i -> (i % 4) * 25, i -> 0);
    assertThat(BacklogTrend.growing(samples, 100, Map.of(), List.of())).isEmpty();
  }

  @Test
  void aSmallStageIsJudgedAgainstItsOwnShareOfTheRate() {
    // 2 % of 1,000 events/s reach the stage: 20/s in; a backlog growing by 10/s is half of it.
    List<Backlogs.Sample> samples = samples(40, i -> 3, i -> 40 + i * 10 / 4);
    assertThat(BacklogTrend.growing(samples, 1_000, Map.of("fast", 0.02), List.of()))
        .containsExactly("fast");
    assertThat(BacklogTrend.growing(samples, 1_000, Map.of(), List.of())).isEmpty();
  }

  @Test
  void aSaturatedUpstreamStageComesFirstThenTheFastestGrowingGroup() {
    List<Backlogs.Sample> samples = new ArrayList<>();
    for (long i = 0; i < 40; i++) {
      samples.add(
          new Backlogs.Sample(
              i * QUARTER_SECOND,
              Map.of("api", 100 + i * 5, "group-a", 100 + i * 10, "group-b", 100 + i * 20)));
    }
    assertThat(BacklogTrend.growing(samples, 100, Map.of(), List.of("api")))
        .containsExactly("api", "group-b", "group-a");
  }

  @Test
  void tooFewSamplesTellNothing() {
    assertThat(BacklogTrend.growing(samples(2, i -> i * 1_000, i -> 0), 100, Map.of(), List.of()))
        .isEmpty();
  }

  private static List<Backlogs.Sample> samples(
      int n, LongUnaryOperator slow, LongUnaryOperator fast) {
    List<Backlogs.Sample> samples = new ArrayList<>();
    for (long i = 0; i < n; i++) {
      samples.add(
          new Backlogs.Sample(
              i * QUARTER_SECOND,
              Map.of("slow", slow.applyAsLong(i), "fast", fast.applyAsLong(i))));
    }
    return samples;
  }
}
