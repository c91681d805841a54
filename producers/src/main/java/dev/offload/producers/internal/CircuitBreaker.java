package dev.offload.producers.internal;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A circuit breaker: closed, it lets every call through and counts consecutive failures; after
 * {@code failureThreshold} of them it opens and refuses every call for {@code openNanos}; then it
 * is half-open and lets exactly one call through as a probe, whose success closes it and whose
 * failure opens it again. A probe that reports nothing for another open period is given up and a
 * new one allowed, so the breaker cannot stay half-open for good.
 *
 * <p>Every {@link #tryAcquire()} that returns {@code true} must be followed by one {@link
 * #onSuccess()} or {@link #onFailure()}. Thread-safe.
 */
public final class CircuitBreaker {
  /** The breaker's states. */
  public enum State {
    /** Calls pass. */
    CLOSED,
    /** Calls are refused. */
    OPEN,
    /** One probe passes, the rest are refused. */
    HALF_OPEN;

    /** The state as a metric tag: {@code closed}, {@code open}, {@code half_open}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final String name;
  private final int failureThreshold;
  private final long openNanos;
  private final LongSupplier nanoTime;

  private State state = State.CLOSED;
  private int consecutiveFailures;
  private long openedAt;
  private long probeStartedAt;

  /** A breaker that reads time from {@code nanoTime} (for tests; else {@link System#nanoTime}). */
  public CircuitBreaker(String name, int failureThreshold, long openNanos, LongSupplier nanoTime) {
    if (failureThreshold < 1 || openNanos < 1) {
      throw new IllegalArgumentException("failureThreshold and openNanos must be positive");
    }
    this.name = name;
    this.failureThreshold = failureThreshold;
    this.openNanos = openNanos;
    this.nanoTime = nanoTime;
  }

  /** A breaker on the system clock. */
  public CircuitBreaker(String name, int failureThreshold, long openNanos) {
    this(name, failureThreshold, openNanos, System::nanoTime);
  }

  /** The name it is reported under. */
  public String name() {
    return name;
  }

  /** Whether a call may go ahead now; when it may, report its outcome. */
  public synchronized boolean tryAcquire() {
    long now = nanoTime.getAsLong();
    switch (state) {
      case CLOSED:
        return true;
      case OPEN:
        if (now - openedAt >= openNanos) {
          state = State.HALF_OPEN;
          probeStartedAt = now;
          return true;
        }
        return false;
      default:
        if (now - probeStartedAt >= openNanos) {
          probeStartedAt = now; // the last probe never reported: try another
          return true;
        }
        return false;
    }
  }

  /** The call succeeded: closes the breaker. */
  public synchronized void onSuccess() {
    consecutiveFailures = 0;
    state = State.CLOSED;
  }

  /** The call failed: counts it, opening the breaker at the threshold or after a failed probe. */
  public synchronized void onFailure() {
    consecutiveFailures++;
    if (state == State.HALF_OPEN
        || (state == State.CLOSED && consecutiveFailures >= failureThreshold)) {
      state = State.OPEN;
      openedAt = nanoTime.getAsLong();
    }
  }

  /** The current state. */
  public synchronized State state() {
    if (state == State.OPEN && nanoTime.getAsLong() - openedAt >= openNanos) {
      return State.HALF_OPEN; // the next call is the probe
    }
    return state;
  }

  /** Whole seconds until a call may be tried again (at least 1), for {@code Retry-After}. */
  public synchronized long retryAfterSeconds() {
    long remaining =
        state == State.OPEN ? openNanos - (nanoTime.getAsLong() - openedAt) : openNanos;
    long seconds = TimeUnit.NANOSECONDS.toSeconds(remaining + TimeUnit.SECONDS.toNanos(1) - 1);
    return Math.max(1, seconds);
  }
}
