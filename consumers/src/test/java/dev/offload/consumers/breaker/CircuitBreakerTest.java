package dev.offload.consumers.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.consumers.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final CircuitBreaker breaker =
      new CircuitBreaker("smtp", new CircuitBreakerPolicy(3, Duration.ofSeconds(2)), clock);

  @Test
  void opensAfterTheThresholdOfConsecutiveFailuresAndHoldsCalls() {
    assertThat(breaker.tryAcquire()).isTrue();
    assertThat(breaker.onSinkFailure()).isFalse();
    breaker.onSuccess();
    assertThat(breaker.onSinkFailure()).isFalse();
    assertThat(breaker.onSinkFailure()).isFalse();
    assertThat(breaker.onSinkFailure()).as("third in a row").isTrue();

    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
    assertThat(breaker.tryAcquire()).isFalse();
    assertThat(breaker.untilProbe()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void halfOpenLetsOneProbeThroughWhoseOutcomeClosesOrReopens() {
    open();
    clock.advance(Duration.ofSeconds(2));
    assertThat(breaker.state()).isEqualTo(CircuitState.HALF_OPEN);
    assertThat(breaker.tryAcquire()).as("the probe").isTrue();
    assertThat(breaker.tryAcquire()).as("a second caller").isFalse();
    assertThat(breaker.onSinkFailure()).isTrue();
    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);

    clock.advance(Duration.ofSeconds(2));
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.onSuccess();
    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(breaker.tryAcquire()).isTrue();
    assertThat(breaker.onSinkFailure()).as("the streak restarted").isFalse();
  }

  @Test
  void thePolicyNamesTheOffendingField() {
    assertThatThrownBy(() -> new CircuitBreakerPolicy(0, Duration.ofSeconds(1)))
        .hasMessageContaining("breaker.failureThreshold");
    assertThatThrownBy(() -> new CircuitBreakerPolicy(1, Duration.ZERO))
        .hasMessageContaining("breaker.openDuration");
  }

  private void open() {
    for (int i = 0; i < 3; i++) {
      breaker.tryAcquire();
      breaker.onSinkFailure();
    }
  }
}
