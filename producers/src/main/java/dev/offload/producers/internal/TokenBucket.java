package dev.offload.producers.internal;

import java.util.concurrent.TimeUnit;

/**
 * A token bucket: holds at most {@code capacity} tokens, refilled continuously at {@code
 * perSecond}; taking {@code n} tokens succeeds when that many are there. Starts full. Thread-safe.
 */
public final class TokenBucket {
  private final double capacity;
  private final double perNano;
  private double tokens;
  private long refilledAt;

  /** A full bucket at time {@code now} (nanoseconds, as {@link System#nanoTime()}). */
  public TokenBucket(double perSecond, int capacity, long now) {
    if (!(perSecond > 0) || capacity < 1) {
      throw new IllegalArgumentException("perSecond and capacity must be positive");
    }
    this.capacity = capacity;
    this.perNano = perSecond / TimeUnit.SECONDS.toNanos(1);
    this.tokens = capacity;
    this.refilledAt = now;
  }

  /**
   * Takes {@code n} tokens at time {@code now} if there are that many.
   *
   * @return 0 when taken; otherwise the nanoseconds until {@code n} tokens will be there (nothing
   *     is taken), or {@link Long#MAX_VALUE} when {@code n} exceeds the capacity
   */
  public synchronized long tryTake(int n, long now) {
    if (n > capacity) {
      return Long.MAX_VALUE;
    }
    if (now > refilledAt) {
      tokens = Math.min(capacity, tokens + (now - refilledAt) * perNano);
      refilledAt = now;
    }
    if (tokens >= n) {
      tokens -= n;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((n - tokens) / perNano));
  }

  /** Tokens there at the last refill, for tests. */
  synchronized double tokens() {
    return tokens;
  }
}
