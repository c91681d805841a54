package dev.offload.ops.lag;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.ops.FakeClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Each status from a crafted window; samples 5 s apart on a fake clock, window of 4. */
class LagRulesTest {
  private static final int WINDOW = 4;
  private final FakeClock clock = new FakeClock(Instant.parse("2025-01-01T00:00:00Z"));

  private LagSample sample(long committed, long logEnd, boolean present) {
    LagSample s = LagSample.of(clock.instant(), committed, logEnd, present);
    clock.advance(Duration.ofSeconds(5));
    return s;
  }

  @Test
  void caughtUpIsOkEvenWithoutMembers() {
    SampleWindow w = SampleWindow.of(WINDOW, sample(10, 10, false), sample(10, 10, false));
    assertThat(LagRules.evaluate(w)).isEqualTo(LagStatus.OK);
  }

  @Test
  void commitsMovingWhileLagFallsOrHoldsIsOk() {
    SampleWindow w =
        SampleWindow.of(
            WINDOW,
            sample(0, 100, true),
            sample(20, 110, true),
            sample(40, 120, true),
            sample(80, 125, true));
    assertThat(LagRules.evaluate(w)).isEqualTo(LagStatus.OK);
  }

  @Test
  void lagGrowingOverTheWholeWindowWhileCommitsMoveIsWarn() {
    SampleWindow w =
        SampleWindow.of(
            WINDOW,
            sample(0, 100, true),
            sample(10, 120, true),
            sample(20, 140, true),
            sample(30, 160, true));
    assertThat(LagRules.evaluate(w)).isEqualTo(LagStatus.WARN);
  }

  @Test
  void warnNeedsAFullWindow() {
    SampleWindow w = SampleWindow.of(WINDOW, sample(0, 100, true), sample(10, 120, true));
    assertThat(LagRules.evaluate(w)).isEqualTo(LagStatus.OK);
  }

  @Test
  void lagThatDipsOnceIsNotWarn() {
    SampleWindow w =
        SampleWindow.of(
            WINDOW,
            sample(0, 100, true),
            sample(50, 120, true),
            sample(60, 140, true),
            sample(70, 160, true));
    assertThat(LagRules.evaluate(w)).isEqualTo(LagStatus.OK);
  }

  @Test
  void memberPresentAndCommitsFrozenOverAFullWindowIsStall() {
    SampleWindow w =
        SampleWindow.of(
            WINDOW,
            sample(50, 100, true),
            sample(50, 100, true),
            sample(50, 110, true),
            sample(50, 120, true));
    assertThat(LagRules.evaluate(w)).isEqualTo(LagStatus.STALL);
  }

  @Test
  void stallNeedsAFullWindow() {
    SampleWindow w = SampleWindow.of(WINDOW, sample(50, 100, true), sample(50, 100, true));
    assertThat(LagRules.evaluate(w)).isEqualTo(LagStatus.OK);
  }

  @Test
  void noMemberAndCommitsFrozenIsStopFromTheFirstSample() {
    assertThat(LagRules.evaluate(SampleWindow.of(WINDOW, sample(50, 100, false))))
        .isEqualTo(LagStatus.STOP);
    SampleWindow w =
        SampleWindow.of(
            WINDOW,
            sample(50, 100, false),
            sample(50, 100, false),
            sample(50, 100, false),
            sample(50, 100, false));
    assertThat(LagRules.evaluate(w)).isEqualTo(LagStatus.STOP);
  }

  @Test
  void committerWithoutGroupMembershipLeavesStopOnceCommitsMove() {
    SampleWindow w = SampleWindow.of(WINDOW, sample(50, 100, false), sample(60, 100, false));
    assertThat(LagRules.evaluate(w)).isEqualTo(LagStatus.OK);
  }

  @Test
  void failedNewestSampleIsErr() {
    SampleWindow w =
        SampleWindow.of(
            WINDOW,
            sample(50, 100, true),
            LagSample.failed(clock.instant(), "offset fetch failed"));
    assertThat(LagRules.evaluate(w)).isEqualTo(LagStatus.ERR);
  }

  @Test
  void committedOffsetOutsideTheLogIsErr() {
    LagSample beyond =
        new LagSample(
            clock.instant(), 500, 100, true, "committed offset 500 is beyond the log end");
    assertThat(LagRules.evaluate(SampleWindow.of(WINDOW, beyond))).isEqualTo(LagStatus.ERR);
  }

  @Test
  void failedSamplesDoNotCountTowardsMovementOrFullness() {
    SampleWindow w =
        SampleWindow.of(
            WINDOW,
            LagSample.failed(clock.instant(), "x"),
            sample(50, 100, true),
            sample(50, 100, true),
            sample(50, 100, true));
    assertThat(LagRules.evaluate(w)).isEqualTo(LagStatus.OK); // 3 sound samples of 4: not full
    assertThat(LagRules.evaluate(w.append(sample(50, 100, true)))).isEqualTo(LagStatus.STALL);
  }

  @Test
  void windowKeepsOnlyItsCapacityAndWorstStatusOrdersBySeverity() {
    SampleWindow w = SampleWindow.empty(2);
    for (int i = 0; i < 5; i++) {
      w = w.append(sample(i, 10, true));
    }
    assertThat(w.samples()).extracting(LagSample::committed).containsExactly(3L, 4L);
    assertThat(LagStatus.WARN.worst(LagStatus.STOP)).isEqualTo(LagStatus.STOP);
    assertThat(LagStatus.ERR.worst(LagStatus.OK)).isEqualTo(LagStatus.ERR);
    assertThat(LagStatus.values()).extracting(LagStatus::code).containsExactly(0, 1, 2, 3, 4);
  }
}
