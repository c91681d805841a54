package dev.offload.producers.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final CircuitBreaker breaker =
      new CircuitBreaker("db", 3, TimeUnit.SECONDS.toNanos(5), now::get);

  @Test
  void opensAfterTheThresholdOfConsecutiveFailures() {
    fail(2);
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.onSuccess(); // a success resets the count
    fail(2);
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    fail(1);

    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(breaker.tryAcquire()).isFalse();
    assertThat(breaker.retryAfterSeconds()).isEqualTo(5);
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(3500));
    assertThat(breaker.retryAfterSeconds()).isEqualTo(2);
  }

  @Test
  void halfOpenLetsOneProbeThroughAndItsSuccessCloses() {
    fail(3);
    now.addAndGet(TimeUnit.SECONDS.toNanos(5));

    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    assertThat(breaker.tryAcquire()).as("the probe").isTrue();
    assertThat(breaker.tryAcquire()).as("others wait for the probe").isFalse();
    breaker.onSuccess();

    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(breaker.tryAcquire()).isTrue();
  }

  @Test
  void aFailedProbeOpensAgainForAWholePeriod() {
    fail(3);
    now.addAndGet(TimeUnit.SECONDS.toNanos(5));
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.onFailure();

    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    now.addAndGet(TimeUnit.SECONDS.toNanos(4));
    assertThat(breaker.tryAcquire()).isFalse();
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    assertThat(breaker.tryAcquire()).isTrue();
  }

  @Test
  void aProbeThatNeverReportsIsReplacedAfterAnotherPeriod() {
    fail(3);
    now.addAndGet(TimeUnit.SECONDS.toNanos(5));
    assertThat(breaker.tryAcquire()).isTrue();
    now.addAndGet(TimeUnit.SECONDS.toNanos(4));
    assertThat(breaker.tryAcquire()).isFalse();
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    assertThat(breaker.tryAcquire()).isTrue();
  }

  private void fail(int times) {
    for (int i = 0; i < times; i++) {
      assertThat(breaker.tryAcquire()).isTrue();
      breaker.onFailure();
    }
  }
}
