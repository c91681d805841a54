package dev.offload.connectors.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class OffsetFlushPolicyTest {
  private static final Duration SECOND = Duration.ofSeconds(1);

  @Test
  void writesOncePerIntervalAfterTheLastWrite() {
    OffsetFlushPolicy policy = new OffsetFlushPolicy(SECOND, at(0));
    assertThat(policy.performCommit(5, Duration.ofMillis(999))).isFalse();
    assertThat(policy.performCommit(5, SECOND)).isTrue();
  }

  @Test
  void aFailedWriteIsTriedAgainOneIntervalLaterNotAtTheNextBatch() {
    MovingClock clock = new MovingClock();
    OffsetFlushPolicy policy = new OffsetFlushPolicy(SECOND, clock);
    assertThat(policy.performCommit(5, SECOND)).isTrue();
    // that write failed: the time since the last successful one keeps growing
    clock.millis = 10;
    assertThat(policy.performCommit(5, Duration.ofMillis(1_010))).isFalse();
    clock.millis = 999;
    assertThat(policy.performCommit(5, Duration.ofMillis(1_999))).isFalse();
    clock.millis = 1_000;
    assertThat(policy.performCommit(5, Duration.ofMillis(2_000))).isTrue();
  }

  @Test
  void aSuccessfulWriteRestartsTheInterval() {
    MovingClock clock = new MovingClock();
    OffsetFlushPolicy policy = new OffsetFlushPolicy(SECOND, clock);
    assertThat(policy.performCommit(5, SECOND)).isTrue();
    clock.millis = 1_000;
    // it succeeded at 0: the engine counts from there
    assertThat(policy.performCommit(5, Duration.ofMillis(1_000))).isTrue();
    clock.millis = 1_500;
    assertThat(policy.performCommit(5, Duration.ofMillis(500))).isFalse();
  }

  @Test
  void refusesANonPositiveInterval() {
    assertThatThrownBy(() -> new OffsetFlushPolicy(Duration.ZERO, at(0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("interval");
  }

  private static Clock at(long millis) {
    return Clock.fixed(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
  }

  private static final class MovingClock extends Clock {
    long millis;

    @Override
    public long millis() {
      return millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
