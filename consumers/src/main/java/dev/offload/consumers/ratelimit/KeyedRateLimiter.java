package dev.offload.consumers.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Token buckets per key, in the generic cell rate algorithm's form: each key keeps the theoretical
 * arrival time of its next permit, so asking for a permit is one comparison and the answer is how
 * long to wait for it. A permit asked for is reserved at once (its wait is the caller's), so
 * waiting callers of one key line up in the order they asked, and other keys are never affected.
 *
 * <p>Keys idle for longer than the period are forgotten, so memory follows the keys that are
 * active, not every key ever seen. Thread-safe.
 */
public final class KeyedRateLimiter {
  private final long intervalNanos;
  private final long burstNanos;
  private final long periodNanos;
  private final Clock clock;
  private final Map<String, Instant> nextFree = new HashMap<>();
  private Instant lastSweep;

  /** A limiter of {@code permits} per {@code period} per key, bursts of {@code permits}. */
  public KeyedRateLimiter(int permits, Duration period, Clock clock) {
    if (permits < 1) {
      throw new IllegalArgumentException("permits: must be at least 1, was " + permits);
    }
    this.periodNanos = period.toNanos();
    this.intervalNanos = Math.max(1, periodNanos / permits);
    this.burstNanos = periodNanos - intervalNanos;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lastSweep = clock.instant();
  }

  /**
   * Reserves the next permit of {@code key}.
   *
   * @return how long the caller must wait before using it; {@link Duration#ZERO} when at once
   */
  public synchronized Duration reserve(String key) {
    Instant now = clock.instant();
    sweepIdle(now);
    Instant theoretical = nextFree.getOrDefault(key, now);
    if (theoretical.isBefore(now)) {
      theoretical = now;
    }
    Instant allowedAt = theoretical.minusNanos(burstNanos);
    nextFree.put(key, theoretical.plusNanos(intervalNanos));
    return allowedAt.isAfter(now) ? Duration.between(now, allowedAt) : Duration.ZERO;
  }

  /** Keys currently remembered (active within the last period). */
  public synchronized int activeKeys() {
    return nextFree.size();
  }

  private void sweepIdle(Instant now) {
    if (Duration.between(lastSweep, now).toNanos() < periodNanos) {
      return;
    }
    lastSweep = now;
    nextFree.values().removeIf(at -> at.isBefore(now));
  }
}
