package dev.offload.ops.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReplayPlannerTest {
  private static final Instant T = Instant.parse("2025-01-01T00:00:00Z");

  // partition 0: offsets 0..4 at T+0..4s; partition 1: offsets 10..12 at T+1s, T+3s, T+8s
  private final FakeOffsets offsets =
      new FakeOffsets("events")
          .partition(0, 0, at(0), at(1), at(2), at(3), at(4))
          .partition(1, 10, at(1), at(3), at(8));

  private static Instant at(int seconds) {
    return T.plusSeconds(seconds);
  }

  private static ReplayRequest request(String from, String to) {
    ReplayRequest r = ReplayRequest.of("events", Position.parse(from), "events-backfill");
    return to == null ? r : r.withTo(Position.parse(to));
  }

  @Test
  void timeWindowBecomesTheOffsetsOfTheFirstRecordsAtOrAfterEachBound() {
    ReplayPlan plan = ReplayPlanner.plan(request(at(1).toString(), at(3).toString()), offsets);
    assertThat(plan.ranges())
        .containsExactly(new PartitionRange(0, 1, 3), new PartitionRange(1, 10, 11));
    assertThat(plan.total()).isEqualTo(3);
  }

  @Test
  void withoutToTheRangeRunsToTheLogEndAndATimePastTheLogIsEmpty() {
    ReplayPlan plan = ReplayPlanner.plan(request(at(4).toString(), null), offsets);
    assertThat(plan.ranges())
        .containsExactly(new PartitionRange(0, 4, 5), new PartitionRange(1, 12, 13));
    ReplayPlan future = ReplayPlanner.plan(request(at(60).toString(), null), offsets);
    assertThat(future.total()).isZero();
  }

  @Test
  void offsetsAreClampedToEachPartitionsLog() {
    ReplayPlan plan = ReplayPlanner.plan(request("2", "12"), offsets);
    assertThat(plan.ranges())
        .containsExactly(new PartitionRange(0, 2, 5), new PartitionRange(1, 10, 12));
  }

  @Test
  void partitionFilterKeepsOnePartitionAndNamesTheExistingOnesWhenWrong() {
    ReplayPlan plan = ReplayPlanner.plan(request("0", null).withPartition(1), offsets);
    assertThat(plan.ranges()).containsExactly(new PartitionRange(1, 10, 13));
    assertThatThrownBy(() -> ReplayPlanner.plan(request("0", null).withPartition(7), offsets))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no partition 7")
        .hasMessageContaining("0..1");
  }

  @Test
  void positionsParseOffsetsAndTimesAndRejectTheRest() {
    assertThat(Position.parse("1500")).isEqualTo(new Position.AtOffset(1500));
    assertThat(Position.parse("2025-01-01T02:00:00+02:00")).isEqualTo(new Position.AtTime(T));
    assertThat(Position.parse("2025-01-01")).isEqualTo(new Position.AtTime(T));
    assertThatThrownBy(() -> Position.parse("yesterday"))
        .hasMessageContaining("neither an offset nor an ISO-8601 time");
  }

  @Test
  void requestNamesTheFieldThatIsWrong() {
    assertThatThrownBy(() -> request("5", "5")).hasMessageContaining("to (5) must be above from");
    assertThatThrownBy(() -> request(at(5).toString(), at(1).toString()))
        .hasMessageContaining("must be after from");
    assertThatThrownBy(() -> request("0", null).withRate(-1)).hasMessageContaining("ratePerSecond");
    assertThatThrownBy(() -> ReplayRequest.of("events", Position.parse("0"), " "))
        .hasMessageContaining("into");
  }

  @Test
  void reportShowsRangesCountsAndProgress() {
    ReplayPlan plan = ReplayPlanner.plan(request("2", null).withKey("user-7"), offsets);
    assertThat(ReplayReport.plan(plan))
        .contains("events -> events-backfill", "key user-7", "unlimited")
        .containsPattern("0\\s+2\\s+5\\s+3")
        .containsPattern("TOTAL\\s+6");
    ReplayProgress half = new ReplayProgress(50, 100, 40, java.time.Duration.ofSeconds(10));
    assertThat(ReplayReport.progressLine(half))
        .isEqualTo("replayed 50/100 (50%), copied 40, 5 rec/s, ETA 10s");
    assertThat(ReplayReport.progressBar(half, 10)).startsWith("[#####     ] ");
  }
}
