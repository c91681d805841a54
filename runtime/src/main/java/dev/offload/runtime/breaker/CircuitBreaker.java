package dev.offload.runtime.breaker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A circuit breaker for one dependency (a database, an SMTP server), shared by every call to it:
 * the ingest API's database calls and a worker's sink calls both go through this class.
 *
 * <p>Closed, it lets every call through and counts consecutive failures; after {@link
 * CircuitBreakerPolicy#failureThreshold()} of them it opens and refuses every call for {@link
 * CircuitBreakerPolicy#openDuration()}; then it is half-open and lets exactly one call through as a
 * probe, whose success closes it and whose failure opens it again for a whole period. A probe that
 * reports nothing for another open period is given up and a new one allowed, so the breaker cannot
 * stay half-open for good. A success reported while the breaker is not closed closes it only when
 * it is the probe's; it always ends the failure streak.
 *
 * <p>Every {@link #tryAcquire()} that returns {@code true} must be followed by one {@link
 * #onSuccess()} or {@link #onSinkFailure()}. Thread-safe; no call blocks, so it may be used on an
 * event loop.
 *
 * <p>Why not Resilience4j's breaker: its state reads {@code OPEN} until a call arrives after the
 * open period (ours reads {@code HALF_OPEN}, which the state gauges show), it has no public "time
 * until the next probe" (the API's {@code Retry-After}, the worker's hold), and its give-up of a
 * silent probe ({@code maxWaitDurationInHalfOpenState}) reopens for a whole further period and runs
 * on a scheduler thread rather than the injected clock the tests drive.
 */
public final class CircuitBreaker {
  private static final Logger log = LoggerFactory.getLogger(CircuitBreaker.class);

  private final String name;
  private final CircuitBreakerPolicy policy;
  private final long openNanos;
  private final LongSupplier nanoTime;
  private CircuitState state = CircuitState.CLOSED;
  private int consecutiveFailures;
  private long openedAt;
  private long probeStartedAt;
  private boolean probing;

  /**
   * A closed breaker named {@code name} (for logs and meters), reading time in nanoseconds from
   * {@code nanoTime} (as {@link System#nanoTime()}).
   */
  public CircuitBreaker(String name, CircuitBreakerPolicy policy, LongSupplier nanoTime) {
    this.name = Objects.requireNonNull(name, "name");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.openNanos = policy.openDuration().toNanos();
  }

  /** A closed breaker timed by {@code clock}. */
  public CircuitBreaker(String name, CircuitBreakerPolicy policy, Clock clock) {
    this(name, policy, nanosOf(Objects.requireNonNull(clock, "clock")));
  }

  /** A closed breaker with the default policy on the system clock. */
  public static CircuitBreaker withDefaults(String name) {
    return new CircuitBreaker(name, CircuitBreakerPolicy.defaults(), System::nanoTime);
  }

  /** The name it is reported under. */
  public String name() {
    return name;
  }

  /** The policy. */
  public CircuitBreakerPolicy policy() {
    return policy;
  }

  /** The current state; an open breaker whose time is up reads as half-open. */
  public synchronized CircuitState state() {
    if (state == CircuitState.OPEN && nanoTime.getAsLong() - openedAt >= openNanos) {
      return CircuitState.HALF_OPEN;
    }
    return state;
  }

  /** Whether calls are being held: open and not yet due for a probe. */
  public boolean isOpen() {
    return state() == CircuitState.OPEN;
  }

  /**
   * Whether a call may go ahead now: always when closed, once (the probe) when half-open, never
   * when open. A caller that got true must report {@link #onSuccess} or {@link #onSinkFailure}.
   */
  public synchronized boolean tryAcquire() {
    long now = nanoTime.getAsLong();
    switch (state()) {
      case CLOSED:
        return true;
      case HALF_OPEN:
        if (probing && now - probeStartedAt < openNanos) {
          return false;
        }
        // The first probe, or one in place of a probe that never reported.
        transition(CircuitState.HALF_OPEN);
        probing = true;
        probeStartedAt = now;
        return true;
      default:
        return false;
    }
  }

  /** The call succeeded (the dependency answered): a probe closes the breaker; the streak ends. */
  public synchronized void onSuccess() {
    consecutiveFailures = 0;
    if (state != CircuitState.CLOSED && probing) {
      probing = false;
      transition(CircuitState.CLOSED);
    }
  }

  /**
   * The call failed transiently: a probe reopens the breaker, and the threshold-th failure in a row
   * opens it.
   *
   * @return whether the breaker is not closed after this failure, so the failure is the
   *     dependency's, not the call's
   */
  public synchronized boolean onSinkFailure() {
    consecutiveFailures++;
    if (probing
        || (state == CircuitState.CLOSED && consecutiveFailures >= policy.failureThreshold())) {
      probing = false;
      openedAt = nanoTime.getAsLong();
      transition(CircuitState.OPEN);
    }
    return state != CircuitState.CLOSED;
  }

  /** How long until a probe may go through; zero when closed or due, or while a probe runs. */
  public synchronized Duration untilProbe() {
    if (state != CircuitState.OPEN) {
      return Duration.ZERO;
    }
    return Duration.ofNanos(Math.max(0, openedAt + openNanos - nanoTime.getAsLong()));
  }

  /**
   * Whole seconds until a refused call may be tried again, at least 1, for a {@code Retry-After}:
   * the rest of the open period, or of the running probe's (after which it is given up).
   */
  public synchronized long retryAfterSeconds() {
    long now = nanoTime.getAsLong();
    long remaining =
        switch (state) {
          case OPEN -> openedAt + openNanos - now;
          case HALF_OPEN -> probing ? probeStartedAt + openNanos - now : 0;
          case CLOSED -> openNanos;
        };
    long seconds = TimeUnit.NANOSECONDS.toSeconds(remaining + TimeUnit.SECONDS.toNanos(1) - 1);
    return Math.max(1, seconds);
  }

  private void transition(CircuitState next) {
    if (state != next) {
      if (next == CircuitState.OPEN) {
        log.warn("Circuit breaker {}: {} -> {}", name, state, next);
      } else {
        log.info("Circuit breaker {}: {} -> {}", name, state, next);
      }
      state = next;
    }
  }

  private static LongSupplier nanosOf(Clock clock) {
    return () -> {
      Instant now = clock.instant();
      return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
    };
  }

  @Override
  public String toString() {
    return "CircuitBreaker[" + name + ", " + policy + "]";
  }
}
