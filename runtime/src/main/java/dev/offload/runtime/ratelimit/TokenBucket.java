package dev.offload.runtime.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A token bucket: it holds at most {@code capacity} tokens (the largest burst), refilled
 * continuously at {@code perSecond}, and starts full. It is the one rate limit of every role: the
 * ingest API refuses a request when its app's bucket is short ({@link #tryTake}), a worker's rate
 * limit and the replay and redrive tools reserve tokens and wait for them ({@link #reserve}, {@link
 * #acquire}). Time comes from an injected clock, so tests run it on simulated time. Thread-safe; no
 * call but {@link #acquire} waits.
 *
 * <p>Why not Resilience4j's rate limiter: it refreshes {@code limitForPeriod} permits at the start
 * of each fixed cycle instead of refilling continuously up to a burst of its own, reads {@link
 * System#nanoTime()} itself (no simulated time), and its waiting acquire parks the calling thread,
 * which an event loop must never do.
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

  private final double capacity;
  private final double nanosPerToken;
  private final LongSupplier nanoTime;
  private double tokens;
  private long refilledAt;

  /**
   * A full bucket.
   *
   * @param perSecond tokens added per second; positive and finite
   * @param capacity the most tokens the bucket holds, i.e. the largest burst; at least 1
   * @param nanoTime the time in nanoseconds (as {@link System#nanoTime()})
   */
  public TokenBucket(double perSecond, double capacity, LongSupplier nanoTime) {
    if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException("perSecond must be positive, was " + perSecond);
    }
    if (!(capacity >= 1)) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.capacity = capacity;
    this.nanosPerToken = TimeUnit.SECONDS.toNanos(1) / perSecond;
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.tokens = capacity;
    this.refilledAt = nanoTime.getAsLong();
  }

  /** A full bucket timed by {@code clock}. */
  public TokenBucket(double perSecond, double capacity, Clock clock) {
    this(perSecond, capacity, nanosOf(Objects.requireNonNull(clock, "clock")));
  }

  /** A bucket for {@code perSecond} whose burst is a tenth of a second's worth (at least 1). */
  public static TokenBucket perSecond(double perSecond, Clock clock) {
    return new TokenBucket(perSecond, Math.max(1, perSecond / 10), clock);
  }

  /**
   * Takes {@code n} tokens if there are that many; takes nothing otherwise.
   *
   * @return 0 when taken; otherwise the nanoseconds until {@code n} tokens will be there, or {@link
   *     Long#MAX_VALUE} when {@code n} exceeds the capacity
   */
  public synchronized long tryTake(int n) {
    if (n > capacity) {
      return Long.MAX_VALUE;
    }
    refill();
    if (tokens >= n) {
      tokens -= n;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((n - tokens) * nanosPerToken));
  }

  /**
   * Takes {@code permits} tokens now, going into debt when there are fewer, and says how long to
   * wait before using them: callers that reserve line up in the order they asked.
   */
  public synchronized Duration reserve(int permits) {
    if (permits < 1) {
      throw new IllegalArgumentException("permits must be at least 1, was " + permits);
    }
    refill();
    tokens -= permits;
    return tokens >= 0
        ? Duration.ZERO
        : Duration.ofNanos((long) Math.ceil(-tokens * nanosPerToken));
  }

  /** Takes {@code permits} tokens, waiting with {@code sleeper} until they are paid for. */
  public void acquire(int permits, Sleeper sleeper) throws InterruptedException {
    Duration wait = reserve(permits);
    if (!wait.isZero()) {
      sleeper.sleep(wait);
    }
  }

  /** Whether the bucket is full again: no reservation outstanding, nothing taken lately. */
  public synchronized boolean isFull() {
    refill();
    return tokens >= capacity;
  }

  /** Tokens there at the last refill, for tests. */
  synchronized double tokens() {
    return tokens;
  }

  private void refill() {
    long now = nanoTime.getAsLong();
    if (now > refilledAt) {
      tokens = Math.min(capacity, tokens + (now - refilledAt) / nanosPerToken);
      refilledAt = now;
    }
  }

  private static LongSupplier nanosOf(Clock clock) {
    return () -> {
      Instant now = clock.instant();
      return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
    };
  }
}
