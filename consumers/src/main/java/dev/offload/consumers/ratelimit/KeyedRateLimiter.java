package dev.offload.consumers.ratelimit;

import dev.offload.runtime.ratelimit.TokenBucket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link TokenBucket} per key, each holding {@code permits} tokens refilled over {@code period}.
 * Asking for a permit reserves it at once (its wait is the caller's), so waiting callers of one key
 * line up in the order they asked, and other keys are never affected.
 *
 * <p>Keys whose bucket is full again are forgotten, looked for once a period, so memory follows the
 * keys that are active, not every key ever seen. Thread-safe.
 */
public final class KeyedRateLimiter {
  private final int permits;
  private final double perSecond;
  private final Duration period;
  private final Clock clock;
  private final Map<String, TokenBucket> buckets = new HashMap<>();
  private Instant lastSweep;

  /** A limiter of {@code permits} per {@code period} per key, bursts of {@code permits}. */
  public KeyedRateLimiter(int permits, Duration period, Clock clock) {
    if (permits < 1) {
      throw new IllegalArgumentException("permits: must be at least 1, was " + permits);
    }
    this.permits = permits;
    this.perSecond = permits / (period.toNanos() / 1e9);
    this.period = period;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lastSweep = clock.instant();
  }

  /**
   * Reserves the next permit of {@code key}.
   *
   * @return how long the caller must wait before using it; {@link Duration#ZERO} when at once
   */
  public synchronized Duration reserve(String key) {
    sweepIdle(clock.instant());
    return buckets.computeIfAbsent(key, k -> new TokenBucket(perSecond, permits, clock)).reserve(1);
  }

  /** Keys currently remembered (active within the last period). */
  public synchronized int activeKeys() {
    return buckets.size();
  }

  private void sweepIdle(Instant now) {
    if (Duration.between(lastSweep, now).compareTo(period) < 0) {
      return;
    }
    lastSweep = now;
    buckets.values().removeIf(TokenBucket::isFull);
  }
}
