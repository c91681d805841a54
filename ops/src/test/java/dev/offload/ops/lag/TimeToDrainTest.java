package dev.offload.ops.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.offload.ops.FakeClock;
import dev.offload.ops.lag.TimeToDrain.Drain;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Time to drain from crafted windows; samples 5 s apart on a fake clock, window of 4. */
class TimeToDrainTest {
  private static final int WINDOW = 4;
  private final FakeClock clock = new FakeClock(Instant.parse("2025-01-01T00:00:00Z"));

  private LagSample sample(long committed, long logEnd) {
    LagSample s = LagSample.of(clock.instant(), committed, logEnd, true, Double.NaN);
    clock.advance(Duration.ofSeconds(5));
    return s;
  }

  private static double drain(LagSample... samples) {
    return TimeToDrain.seconds(SampleWindow.of(WINDOW, samples));
  }

  @Test
  void lagOverTheGainOfConsumeRateOnProduceRate() {
    // 10 s: consumed 300 (30/s), produced 100 (10/s): gains 20/s on a lag of 100.
    assertThat(drain(sample(0, 300), sample(150, 350), sample(300, 400)))
        .isCloseTo(5.0, within(1e-9));
  }

  @Test
  void usesTheOldestAndNewestSoundSamplesOfTheWindow() {
    // The first sample leaves the window; 15 s: consumed 150 (10/s), produced 0: 50 left.
    double seconds =
        drain(
            sample(0, 1000),
            sample(800, 1000),
            sample(850, 1000),
            sample(900, 1000),
            sample(950, 1000));
    assertThat(seconds).isCloseTo(5.0, within(1e-9));
    // Failed samples do not count: 5 s from (0, 100) to (50, 100): 10/s on a lag of 50.
    assertThat(
            drain(
                LagSample.failed(clock.instant(), "x"),
                sample(0, 100),
                LagSample.failed(clock.instant(), "x"),
                sample(50, 100)))
        .isCloseTo(5.0, within(1e-9));
  }

  @Test
  void noLagIsZero() {
    assertThat(drain(sample(100, 100))).isZero();
    assertThat(drain(sample(0, 100), sample(100, 100))).isZero();
  }

  @Test
  void notGainingIsNever() {
    assertThat(drain(sample(0, 100), sample(50, 150))).as("keeping pace").isInfinite();
    assertThat(drain(sample(0, 100), sample(10, 150))).as("falling behind").isInfinite();
    assertThat(drain(sample(50, 100), sample(50, 100))).as("held").isInfinite();
  }

  @Test
  void oneSampleOrAFailedNewestIsUnknown() {
    assertThat(drain(sample(0, 100))).isNaN();
    assertThat(drain(sample(0, 100), LagSample.failed(clock.instant(), "x"))).isNaN();
    assertThat(drain()).isNaN();
  }

  @Test
  void aGroupDrainsWhenItsSlowestPartitionDoes() {
    assertThat(TimeToDrain.ofGroup(List.of(0.0, 12.5, 3.0))).isEqualTo(12.5);
    assertThat(TimeToDrain.ofGroup(List.of(12.5, Double.POSITIVE_INFINITY, Double.NaN)))
        .isInfinite();
    assertThat(TimeToDrain.ofGroup(List.of(12.5, Double.NaN))).isNaN();
    assertThat(TimeToDrain.ofGroup(List.of(0.0, 0.0))).isZero();
    assertThat(TimeToDrain.ofGroup(List.of())).isZero();
  }

  @Test
  void drainNamesWhatAValueSays() {
    assertThat(Drain.of(0)).isEqualTo(Drain.DRAINED);
    assertThat(Drain.of(4.2)).isEqualTo(Drain.DRAINING);
    assertThat(Drain.of(Double.POSITIVE_INFINITY)).isEqualTo(Drain.NEVER);
    assertThat(Drain.of(Double.NaN)).isEqualTo(Drain.UNKNOWN);
  }
}
