package dev.offload.ops.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.offload.ops.FakeClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The bucket on simulated time: the sleeper advances the fake clock instead of sleeping. */
class TokenBucketTest {
  private final FakeClock clock = new FakeClock(Instant.parse("2025-01-01T00:00:00Z"));
  private final TokenBucket.Sleeper sleeper = clock::advance;

  // The first `burst` permits are free (a full bucket); the rest are paid for at the rate.
  private double measuredRate(TokenBucket bucket, int permits, double burst)
      throws InterruptedException {
    Instant start = clock.instant();
    for (int i = 0; i < permits; i++) {
      bucket.acquire(1, sleeper);
    }
    return (permits - burst) / (Duration.between(start, clock.instant()).toNanos() / 1e9);
  }

  @Test
  void sustainedRateIsTheConfiguredRate() throws InterruptedException {
    // 1000 permits at 100/s with a burst of 10: 990 paid for at 10 ms each = 9.9 s simulated
    double rate = measuredRate(TokenBucket.perSecond(100, clock), 1000, 10);
    assertThat(rate / 100).isCloseTo(1.0, within(0.01));
  }

  @Test
  void fractionalAndHighRatesHold() throws InterruptedException {
    assertThat(measuredRate(TokenBucket.perSecond(2.5, clock), 50, 1) / 2.5)
        .isCloseTo(1.0, within(0.01));
    assertThat(measuredRate(TokenBucket.perSecond(20_000, clock), 100_000, 2_000) / 20_000)
        .isCloseTo(1.0, within(0.01));
  }

  @Test
  void idleTimeBuysAtMostOneBurst() throws InterruptedException {
    TokenBucket bucket = new TokenBucket(10, 5, clock);
    clock.advance(Duration.ofHours(1));
    int free = 0;
    while (bucket.reserve(1).isZero()) {
      free++;
    }
    assertThat(free).isEqualTo(5);
  }

  @Test
  void debtIsPaidBeforeTheNextPermit() {
    TokenBucket bucket = new TokenBucket(10, 1, clock);
    assertThat(bucket.reserve(1)).isZero();
    assertThat(bucket.reserve(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(bucket.reserve(1)).isEqualTo(Duration.ofMillis(200));
  }
}
