package dev.offload.producers.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.producers.ApiConfig;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  @Test
  void startsFullAndRefillsAtTheRate() {
    TokenBucket bucket = new TokenBucket(10, 20, 0);

    assertThat(bucket.tryTake(20, 0)).isZero();
    long wait = bucket.tryTake(1, 0);
    assertThat(wait).isEqualTo(SECOND / 10);
    assertThat(bucket.tryTake(1, SECOND / 10)).isZero();
    assertThat(bucket.tryTake(5, SECOND / 10)).isEqualTo(SECOND / 2);
  }

  @Test
  void neverHoldsMoreThanItsCapacity() {
    TokenBucket bucket = new TokenBucket(100, 5, 0);

    assertThat(bucket.tryTake(5, 0)).isZero();
    assertThat(bucket.tryTake(5, 60 * SECOND)).isZero();
    assertThat(bucket.tryTake(1, 60 * SECOND)).isPositive();
  }

  @Test
  void aFailedTakeTakesNothing() {
    TokenBucket bucket = new TokenBucket(1, 3, 0);

    assertThat(bucket.tryTake(2, 0)).isZero();
    assertThat(bucket.tryTake(2, 0)).isPositive();
    assertThat(bucket.tryTake(1, 0)).isZero();
  }

  @Test
  void moreThanTheCapacityCanNeverBeTaken() {
    assertThat(new TokenBucket(1, 3, 0).tryTake(4, 0)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void limiterKeepsOneBucketPerAppAndAnswersWholeSeconds() {
    AtomicLong now = new AtomicLong();
    RateLimiter limiter = new RateLimiter(new ApiConfig.RateLimit(2, 4), now::get);

    assertThat(limiter.tryAcquire("a", 4)).isZero();
    assertThat(limiter.tryAcquire("b", 4)).as("another app's bucket").isZero();
    assertThat(limiter.tryAcquire("a", 3)).isEqualTo(2); // 1.5 s, rounded up
    now.addAndGet(2 * SECOND);
    assertThat(limiter.tryAcquire("a", 3)).isZero();
    assertThat(new RateLimiter(ApiConfig.RateLimit.off()).tryAcquire("a", 1_000_000)).isZero();
  }
}
