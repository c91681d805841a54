package dev.offload.runtime.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final CircuitBreaker breaker =
      new CircuitBreaker("db", new CircuitBreakerPolicy(3, Duration.ofSeconds(5)), now::get);

  @Test
  void opensAfterTheThresholdOfConsecutiveFailures() {
    fail(2);
    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.onSuccess(); // a success resets the count
    assertThat(breaker.tryAcquire()).isTrue();
    assertThat(breaker.onSinkFailure()).isFalse();
    assertThat(breaker.tryAcquire()).isTrue();
    assertThat(breaker.onSinkFailure()).isFalse();
    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(breaker.tryAcquire()).isTrue();
    assertThat(breaker.onSinkFailure()).as("third in a row").isTrue();

    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
    assertThat(breaker.isOpen()).isTrue();
    assertThat(breaker.tryAcquire()).isFalse();
    assertThat(breaker.untilProbe()).isEqualTo(Duration.ofSeconds(5));
    assertThat(breaker.retryAfterSeconds()).isEqualTo(5);
    advance(Duration.ofMillis(3500));
    assertThat(breaker.retryAfterSeconds()).isEqualTo(2);
    assertThat(breaker.untilProbe()).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void halfOpenLetsOneProbeThroughAndItsSuccessCloses() {
    fail(3);
    advance(Duration.ofSeconds(5));

    assertThat(breaker.state()).as("due: reads half-open").isEqualTo(CircuitState.HALF_OPEN);
    assertThat(breaker.untilProbe()).isZero();
    assertThat(breaker.tryAcquire()).as("the probe").isTrue();
    assertThat(breaker.tryAcquire()).as("others wait for the probe").isFalse();
    breaker.onSuccess();

    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(breaker.tryAcquire()).isTrue();
    assertThat(breaker.onSinkFailure()).as("the streak restarted").isFalse();
  }

  @Test
  void aFailedProbeOpensAgainForAWholePeriod() {
    fail(3);
    advance(Duration.ofSeconds(5));
    assertThat(breaker.tryAcquire()).isTrue();
    assertThat(breaker.onSinkFailure()).isTrue();

    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
    advance(Duration.ofSeconds(4));
    assertThat(breaker.tryAcquire()).isFalse();
    advance(Duration.ofSeconds(1));
    assertThat(breaker.tryAcquire()).isTrue();
  }

  @Test
  void aProbeThatNeverReportsIsReplacedAfterAnotherPeriod() {
    fail(3);
    advance(Duration.ofSeconds(5));
    assertThat(breaker.tryAcquire()).isTrue();
    advance(Duration.ofSeconds(4));
    assertThat(breaker.tryAcquire()).isFalse();
    assertThat(breaker.retryAfterSeconds()).isEqualTo(1);
    advance(Duration.ofSeconds(1));
    assertThat(breaker.tryAcquire()).isTrue();
  }

  @Test
  void aLateSuccessOfACallFromBeforeTheOpeningDoesNotClose() {
    assertThat(breaker.tryAcquire()).isTrue(); // a slow call, still running
    fail(3);
    breaker.onSuccess(); // the slow call answers: not the probe
    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
  }

  @Test
  void runsOnAClockToo() {
    MovingClock clock = new MovingClock();
    CircuitBreaker onClock =
        new CircuitBreaker("smtp", new CircuitBreakerPolicy(1, Duration.ofSeconds(2)), clock);
    assertThat(onClock.tryAcquire()).isTrue();
    assertThat(onClock.onSinkFailure()).isTrue();
    assertThat(onClock.untilProbe()).isEqualTo(Duration.ofSeconds(2));
    clock.at = clock.at.plusSeconds(2);
    assertThat(onClock.state()).isEqualTo(CircuitState.HALF_OPEN);
  }

  @Test
  void statesHaveTheirGaugeValueAndTag() {
    assertThat(CircuitState.CLOSED.gaugeValue()).isZero();
    assertThat(CircuitState.OPEN.gaugeValue()).isEqualTo(1);
    assertThat(CircuitState.HALF_OPEN.gaugeValue()).isEqualTo(2);
    assertThat(CircuitState.HALF_OPEN.label()).isEqualTo("half_open");
  }

  @Test
  void thePolicyNamesTheOffendingField() {
    assertThatThrownBy(() -> new CircuitBreakerPolicy(0, Duration.ofSeconds(1)))
        .hasMessageContaining("breaker.failureThreshold");
    assertThatThrownBy(() -> new CircuitBreakerPolicy(1, Duration.ZERO))
        .hasMessageContaining("breaker.openDuration");
  }

  private void fail(int times) {
    for (int i = 0; i < times; i++) {
      assertThat(breaker.tryAcquire()).isTrue();
      breaker.onSinkFailure();
    }
  }

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  private static final class MovingClock extends Clock {
    Instant at = Instant.parse("2030-01-01T00:00:00Z");

    @Override
    public Instant instant() {
      return at;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
