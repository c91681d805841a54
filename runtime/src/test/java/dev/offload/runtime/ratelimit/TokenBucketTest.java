package dev.offload.runtime.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The bucket on simulated time: the sleeper advances the fake clock instead of sleeping. */
class TokenBucketTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private final AtomicLong now = new AtomicLong();
  private final TokenBucket.Sleeper sleeper = d -> now.addAndGet(d.toNanos());

  @Test
  void startsFullAndRefillsAtTheRate() {
    TokenBucket bucket = new TokenBucket(10, 20, now::get);

    assertThat(bucket.tryTake(20)).isZero();
    assertThat(bucket.tryTake(1)).isEqualTo(SECOND / 10);
    now.set(SECOND / 10);
    assertThat(bucket.tryTake(1)).isZero();
    assertThat(bucket.tryTake(5)).isEqualTo(SECOND / 2);
  }

  @Test
  void neverHoldsMoreThanItsCapacity() {
    TokenBucket bucket = new TokenBucket(100, 5, now::get);

    assertThat(bucket.tryTake(5)).isZero();
    now.set(60 * SECOND);
    assertThat(bucket.isFull()).isTrue();
    assertThat(bucket.tryTake(5)).isZero();
    assertThat(bucket.tryTake(1)).isPositive();
  }

  @Test
  void aFailedTakeTakesNothing() {
    TokenBucket bucket = new TokenBucket(1, 3, now::get);

    assertThat(bucket.tryTake(2)).isZero();
    assertThat(bucket.tryTake(2)).isPositive();
    assertThat(bucket.tryTake(1)).isZero();
  }

  @Test
  void moreThanTheCapacityCanNeverBeTaken() {
    assertThat(new TokenBucket(1, 3, now::get).tryTake(4)).isEqualTo(Long.MAX_VALUE);
  }

  // The first `burst` permits are free (a full bucket); the rest are paid for at the rate.
  private double measuredRate(TokenBucket bucket, int permits, double burst)
      throws InterruptedException {
    long start = now.get();
    for (int i = 0; i < permits; i++) {
      bucket.acquire(1, sleeper);
    }
    return (permits - burst) / ((now.get() - start) / 1e9);
  }

  @Test
  void sustainedRateIsTheConfiguredRate() throws InterruptedException {
    // 1000 permits at 100/s with a burst of 10: 990 paid for at 10 ms each = 9.9 s simulated
    double rate = measuredRate(new TokenBucket(100, 10, now::get), 1000, 10);
    assertThat(rate / 100).isCloseTo(1.0, within(0.01));
  }

  @Test
  void fractionalAndHighRatesHold() throws InterruptedException {
    assertThat(measuredRate(new TokenBucket(2.5, 1, now::get), 50, 1) / 2.5)
        .isCloseTo(1.0, within(0.01));
    assertThat(measuredRate(new TokenBucket(20_000, 2_000, now::get), 100_000, 2_000) / 20_000)
        .isCloseTo(1.0, within(0.01));
  }

  @Test
  void idleTimeBuysAtMostOneBurst() {
    TokenBucket bucket = new TokenBucket(10, 5, now::get);
    now.addAndGet(TimeUnit.HOURS.toNanos(1));
    int free = 0;
    while (bucket.reserve(1).isZero()) {
      free++;
    }
    assertThat(free).isEqualTo(5);
    assertThat(bucket.isFull()).isFalse();
  }

  @Test
  void debtIsPaidBeforeTheNextPermitAndReservationsLineUp() {
    TokenBucket bucket = new TokenBucket(10, 1, now::get);
    assertThat(bucket.reserve(1)).isZero();
    assertThat(bucket.reserve(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(bucket.reserve(1)).isEqualTo(Duration.ofMillis(200));
    now.addAndGet(Duration.ofMillis(200).toNanos());
    assertThat(bucket.reserve(1)).isEqualTo(Duration.ofMillis(100));
  }
}
