package dev.offload.ops.replay;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A token bucket: tokens accrue at {@code ratePerSecond} up to {@code capacity}; taking more than
 * there are puts the bucket in debt and tells the caller how long to wait. Time comes from an
 * injected {@link Clock} and waiting from a {@link Sleeper}, so tests run it on simulated time.
 */
public final class TokenBucket {

  /** Waits for a duration: the system one sleeps, a test's advances its fake clock. */
  @FunctionalInterface
  public interface Sleeper {
    /** The sleeper that really sleeps. */
    Sleeper SYSTEM = d -> TimeUnit.NANOSECONDS.sleep(d.toNanos());

    /** Returns after {@code duration}. */
    void sleep(Duration duration) throws InterruptedException;
  }

  private final double ratePerSecond;
  private final double capacity;
  private final Clock clock;
  private double tokens;
  private Instant last;

  /**
   * A full bucket.
   *
   * @param ratePerSecond tokens added per second; positive
   * @param capacity the most tokens the bucket holds, i.e. the largest burst; at least 1
   * @param clock the time
   */
  public TokenBucket(double ratePerSecond, double capacity, Clock clock) {
    if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException("ratePerSecond must be positive, was " + ratePerSecond);
    }
    if (!(capacity >= 1)) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.ratePerSecond = ratePerSecond;
    this.capacity = capacity;
    this.clock = Objects.requireNonNull(clock, "clock must be set");
    this.tokens = capacity;
    this.last = clock.instant();
  }

  /** A bucket for {@code ratePerSecond} whose burst is a tenth of a second's worth (at least 1). */
  public static TokenBucket perSecond(double ratePerSecond, Clock clock) {
    return new TokenBucket(ratePerSecond, Math.max(1, ratePerSecond / 10), clock);
  }

  /** Takes {@code permits} tokens now and returns how long to wait before using them. */
  public synchronized Duration reserve(int permits) {
    if (permits < 1) {
      throw new IllegalArgumentException("permits must be at least 1, was " + permits);
    }
    Instant now = clock.instant();
    long elapsed = Math.max(0, Duration.between(last, now).toNanos());
    tokens = Math.min(capacity, tokens + elapsed * ratePerSecond / 1e9);
    last = now;
    tokens -= permits;
    return tokens >= 0
        ? Duration.ZERO
        : Duration.ofNanos((long) Math.ceil(-tokens / ratePerSecond * 1e9));
  }

  /** Takes {@code permits} tokens, waiting with {@code sleeper} until they are paid for. */
  public void acquire(int permits, Sleeper sleeper) throws InterruptedException {
    Duration wait = reserve(permits);
    if (!wait.isZero()) {
      sleeper.sleep(wait);
    }
  }
}
