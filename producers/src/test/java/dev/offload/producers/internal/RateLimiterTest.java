package dev.offload.producers.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.producers.ApiConfig;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  @Test
  void limiterKeepsOneBucketPerAppAndAnswersWholeSeconds() {
    AtomicLong now = new AtomicLong();
    RateLimiter limiter = new RateLimiter(new ApiConfig.RateLimit(2, 4), now::get);

    assertThat(limiter.tryAcquire("a", 4)).isZero();
    assertThat(limiter.tryAcquire("b", 4)).as("another app's bucket").isZero();
    assertThat(limiter.tryAcquire("a", 3)).isEqualTo(2); // 1.5 s, rounded up
    now.addAndGet(2 * SECOND);
    assertThat(limiter.tryAcquire("a", 3)).isZero();
    assertThat(limiter.tryAcquire("a", 5)).as("more than the burst: burst / rate").isEqualTo(2);
    assertThat(new RateLimiter(new ApiConfig.RateLimit(0, 1)).tryAcquire("a", 1_000_000)).isZero();
  }
}
