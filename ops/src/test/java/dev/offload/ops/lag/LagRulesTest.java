package dev.offload.ops.lag;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.ops.FakeClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Each status from a crafted window; samples 5 s apart on a fake clock, window of 4, objective 60 s
 * unless a test says otherwise.
 */
class LagRulesTest {
  private static final int WINDOW = 4;
  private static final Duration OBJECTIVE = Duration.ofSeconds(60);
  private static final double UNKNOWN = Double.NaN;
  private final FakeClock clock = new FakeClock(Instant.parse("2025-01-01T00:00:00Z"));

  private LagSample sample(long committed, long logEnd, boolean present, double lagSeconds) {
    LagSample s = LagSample.of(clock.instant(), committed, logEnd, present, lagSeconds);
    clock.advance(Duration.ofSeconds(5));
    return s;
  }

  private LagSample sample(long committed, long logEnd, double lagSeconds) {
    return sample(committed, logEnd, true, lagSeconds);
  }

  private static LagStatus status(LagSample... samples) {
    return LagRules.evaluate(SampleWindow.of(WINDOW, samples), OBJECTIVE);
  }

  @Test
  void anEmptyWindowIsOk() {
    assertThat(LagRules.evaluate(SampleWindow.empty(WINDOW), OBJECTIVE)).isEqualTo(LagStatus.OK);
  }

  @Test
  void growthInSecondsCountsOnlyWhenEverySampleKnowsItsSeconds() {
    // Seconds rise but one sample does not know them, and records hold: not shown to be growing.
    assertThat(
            status(
                sample(100, 200, UNKNOWN),
                sample(110, 210, 95),
                sample(120, 220, 100),
                sample(130, 230, 105)))
        .isEqualTo(LagStatus.WARN);
  }

  @Test
  void caughtUpIsOkEvenWithoutMembers() {
    assertThat(status(sample(10, 10, false, 0), sample(10, 10, false, 0))).isEqualTo(LagStatus.OK);
  }

  @Test
  void drainedReadsOkHoweverFarBehindTheWindowWas() {
    assertThat(
            status(
                sample(0, 400, 360),
                sample(200, 400, 300),
                sample(390, 400, 120),
                sample(400, 400, 0)))
        .isEqualTo(LagStatus.OK);
  }

  @Test
  void heldNinetySecondsBehindReadsWarn() {
    assertThat(
            status(
                sample(100, 200, 90),
                sample(120, 220, 89.5),
                sample(140, 240, 91),
                sample(160, 260, 90)))
        .isEqualTo(LagStatus.WARN);
  }

  @Test
  void heldNinetySecondsBehindAndStillGrowingReadsErr() {
    assertThat(
            status(
                sample(100, 200, 90),
                sample(110, 220, 95),
                sample(120, 240, 100),
                sample(130, 260, 105)))
        .isEqualTo(LagStatus.ERR);
  }

  @Test
  void overTheObjectiveWithRecordsGrowingThroughoutIsErrEvenWhenTheSecondsHold() {
    assertThat(
            status(
                sample(100, 200, 90),
                sample(110, 220, 90),
                sample(120, 240, 90),
                sample(130, 260, 90)))
        .isEqualTo(LagStatus.ERR);
  }

  @Test
  void sixMinutesBehindAndGrowingIsNeverOk() {
    LagSample first = sample(50, 100, 360);
    assertThat(status(first)).isEqualTo(LagStatus.WARN);
    assertThat(status(first, sample(60, 120, 365), sample(70, 140, 370), sample(80, 160, 375)))
        .isEqualTo(LagStatus.ERR);
  }

  @Test
  void growingErrNeedsAFullWindow() {
    assertThat(status(sample(100, 200, 90), sample(110, 220, 95), sample(120, 240, 100)))
        .isEqualTo(LagStatus.WARN);
  }

  @Test
  void overTheObjectiveButCatchingUpIsWarn() {
    assertThat(
            status(
                sample(0, 400, 300),
                sample(100, 410, 250),
                sample(200, 420, 200),
                sample(300, 430, 150)))
        .isEqualTo(LagStatus.WARN);
  }

  @Test
  void workingOffABacklogOfOldRecordsIsWarnAlthoughTheirAgeRises() {
    assertThat(
            status(
                sample(0, 1000, 300),
                sample(200, 1000, 305),
                sample(400, 1000, 310),
                sample(600, 1000, 315)))
        .isEqualTo(LagStatus.WARN);
  }

  @Test
  void withinTheObjectiveIsOkEvenWhileTheLagGrows() {
    assertThat(
            status(
                sample(0, 100, 10), sample(10, 120, 20), sample(20, 140, 30), sample(30, 160, 40)))
        .isEqualTo(LagStatus.OK);
  }

  @Test
  void aLagOfExactlyTheObjectiveIsOk() {
    assertThat(status(sample(50, 100, 60))).isEqualTo(LagStatus.OK);
    assertThat(status(sample(50, 100, 60.001))).isEqualTo(LagStatus.WARN);
  }

  @Test
  void eachGroupIsJudgedAgainstItsOwnObjective() {
    SampleWindow held = SampleWindow.of(WINDOW, sample(50, 100, 90));
    assertThat(LagRules.evaluate(held, Duration.ofMinutes(2))).isEqualTo(LagStatus.OK);
    assertThat(LagRules.evaluate(held, Duration.ofSeconds(30))).isEqualTo(LagStatus.WARN);
  }

  @Test
  void memberPresentAndCommitsFrozenOverAFullWindowIsStall() {
    assertThat(
            status(
                sample(50, 100, 10), sample(50, 100, 15), sample(50, 110, 20), sample(50, 120, 25)))
        .isEqualTo(LagStatus.STALL);
    assertThat(
            status(
                sample(50, 100, UNKNOWN),
                sample(50, 100, UNKNOWN),
                sample(50, 110, UNKNOWN),
                sample(50, 120, UNKNOWN)))
        .isEqualTo(LagStatus.STALL);
  }

  @Test
  void stallNeedsAFullWindowAndBeforeItTheObjectiveDecides() {
    assertThat(status(sample(50, 100, 10), sample(50, 100, 15))).isEqualTo(LagStatus.OK);
    assertThat(status(sample(50, 100, 90), sample(50, 100, 95))).isEqualTo(LagStatus.WARN);
  }

  @Test
  void frozenCommitsOverTheObjectiveAcrossAFullWindowAreErrNotStall() {
    assertThat(
            status(
                sample(50, 100, 90),
                sample(50, 100, 95),
                sample(50, 100, 100),
                sample(50, 100, 105)))
        .isEqualTo(LagStatus.ERR);
  }

  @Test
  void noMemberAndCommitsFrozenIsStopFromTheFirstSample() {
    assertThat(status(sample(50, 100, false, 10))).isEqualTo(LagStatus.STOP);
    assertThat(status(sample(50, 100, false, 90)))
        .as("STOP wins over WARN")
        .isEqualTo(LagStatus.STOP);
    assertThat(
            status(
                sample(50, 100, false, UNKNOWN),
                sample(50, 100, false, UNKNOWN),
                sample(50, 100, false, UNKNOWN),
                sample(50, 100, false, UNKNOWN)))
        .isEqualTo(LagStatus.STOP);
  }

  @Test
  void noMemberOverTheObjectiveAndGrowingAcrossAFullWindowIsErr() {
    assertThat(
            status(
                sample(50, 100, false, 90),
                sample(50, 100, false, 95),
                sample(50, 100, false, 100),
                sample(50, 100, false, 105)))
        .isEqualTo(LagStatus.ERR);
  }

  @Test
  void committerWithoutGroupMembershipLeavesStopOnceCommitsMove() {
    assertThat(status(sample(50, 100, false, 10), sample(60, 100, false, 8)))
        .isEqualTo(LagStatus.OK);
  }

  @Test
  void withTheSecondsUnknownRecordsGrowingOverTheWholeWindowIsWarn() {
    assertThat(
            status(
                sample(0, 100, UNKNOWN),
                sample(10, 120, UNKNOWN),
                sample(20, 140, UNKNOWN),
                sample(30, 160, UNKNOWN)))
        .isEqualTo(LagStatus.WARN);
  }

  @Test
  void withTheSecondsUnknownRecordsThatDipOnceOrAWindowNotFullIsOk() {
    assertThat(
            status(
                sample(0, 100, UNKNOWN),
                sample(50, 120, UNKNOWN),
                sample(60, 140, UNKNOWN),
                sample(70, 160, UNKNOWN)))
        .isEqualTo(LagStatus.OK);
    assertThat(status(sample(0, 100, UNKNOWN), sample(10, 120, UNKNOWN))).isEqualTo(LagStatus.OK);
  }

  @Test
  void failedNewestSampleIsErr() {
    assertThat(
            status(sample(50, 100, 10), LagSample.failed(clock.instant(), "offset fetch failed")))
        .isEqualTo(LagStatus.ERR);
  }

  @Test
  void committedOffsetOutsideTheLogIsErr() {
    LagSample beyond =
        new LagSample(
            clock.instant(),
            500,
            100,
            true,
            Double.NaN,
            "committed offset 500 is beyond the log end");
    assertThat(status(beyond)).isEqualTo(LagStatus.ERR);
  }

  @Test
  void failedSamplesDoNotCountTowardsMovementOrFullness() {
    SampleWindow w =
        SampleWindow.of(
            WINDOW,
            LagSample.failed(clock.instant(), "x"),
            sample(50, 100, 10),
            sample(50, 100, 15),
            sample(50, 100, 20));
    assertThat(LagRules.evaluate(w, OBJECTIVE)).isEqualTo(LagStatus.OK); // 3 sound of 4
    assertThat(LagRules.evaluate(w.append(sample(50, 100, 25)), OBJECTIVE))
        .isEqualTo(LagStatus.STALL);
  }

  @Test
  void windowKeepsOnlyItsCapacityAndWorstStatusOrdersBySeverity() {
    SampleWindow w = SampleWindow.empty(2);
    for (int i = 0; i < 5; i++) {
      w = w.append(sample(i, 10, UNKNOWN));
    }
    assertThat(w.samples()).extracting(LagSample::committed).containsExactly(3L, 4L);
    assertThat(LagStatus.WARN.worst(LagStatus.STOP)).isEqualTo(LagStatus.STOP);
    assertThat(LagStatus.ERR.worst(LagStatus.OK)).isEqualTo(LagStatus.ERR);
    assertThat(LagStatus.values()).extracting(LagStatus::code).containsExactly(0, 1, 2, 3, 4);
  }
}
