package dev.offload.consumers.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.consumers.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class KeyedRateLimiterTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  @Test
  void aBurstOfPermitsPassesThenPermitsAreSpacedByTheInterval() {
    KeyedRateLimiter limiter = new KeyedRateLimiter(4, Duration.ofSeconds(1), clock);
    for (int i = 0; i < 4; i++) {
      assertThat(limiter.reserve("a")).as("burst permit %d", i).isZero();
    }
    assertThat(limiter.reserve("a")).isEqualTo(Duration.ofMillis(250));
    assertThat(limiter.reserve("a"))
        .as("queued behind the first waiter")
        .isEqualTo(Duration.ofMillis(500));
    clock.advance(Duration.ofMillis(500));
    assertThat(limiter.reserve("a")).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void aLimitedKeyLeavesOtherKeysAlone() {
    KeyedRateLimiter limiter = new KeyedRateLimiter(1, Duration.ofSeconds(1), clock);
    assertThat(limiter.reserve("recipient-a")).isZero();
    assertThat(limiter.reserve("recipient-a")).isEqualTo(Duration.ofSeconds(1));
    assertThat(limiter.reserve("recipient-a")).isEqualTo(Duration.ofSeconds(2));
    assertThat(limiter.reserve("recipient-b")).isZero();
    assertThat(limiter.reserve("recipient-c")).isZero();
  }

  @Test
  void permitsRefillWithTimeAndIdleKeysAreForgotten() {
    KeyedRateLimiter limiter = new KeyedRateLimiter(2, Duration.ofSeconds(1), clock);
    limiter.reserve("a");
    limiter.reserve("a");
    limiter.reserve("b");
    assertThat(limiter.activeKeys()).isEqualTo(2);
    clock.advance(Duration.ofSeconds(5));
    assertThat(limiter.reserve("a")).isZero();
    assertThat(limiter.reserve("a")).isZero();
    assertThat(limiter.activeKeys()).as("b went idle").isEqualTo(1);
  }

  @Test
  void aLimitNamesTheFieldItRejects() {
    assertThatThrownBy(() -> RateLimit.perHandler("smtp", 0, Duration.ofSeconds(1)))
        .hasMessageStartingWith("permits:");
    assertThatThrownBy(() -> RateLimit.perHandler("smtp", 1, Duration.ZERO))
        .hasMessageStartingWith("period:");
    assertThatThrownBy(() -> RateLimit.perHandler(" ", 1, Duration.ofSeconds(1)))
        .hasMessageStartingWith("name:");
  }
}
