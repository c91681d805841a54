package dev.offload.consumers.breaker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A circuit breaker for one sink (an SMTP server, a database), shared by every call to it.
 *
 * <p>Attach it to a worker's binding with {@link
 * dev.offload.consumers.worker.HandlerBinding#withCircuitBreaker}: the worker then asks {@link
 * #tryAcquire()} before each handler call and reports the outcome; a retryable failure counts
 * against the sink, a success or a fatal failure (the sink answered) for it. After {@link
 * CircuitBreakerPolicy#failureThreshold()} consecutive sink failures the breaker opens: the worker
 * pauses its partitions (still polling, so it stays in its group), holds the records it has without
 * spending their attempts, and after {@link CircuitBreakerPolicy#openDuration()} lets one probe
 * through (half-open). The probe's success closes the breaker and consumption resumes; its failure
 * opens it again. Thread-safe.
 */
public final class CircuitBreaker {
  private static final Logger log = LoggerFactory.getLogger(CircuitBreaker.class);

  private final String name;
  private final CircuitBreakerPolicy policy;
  private final Clock clock;
  private CircuitState state = CircuitState.CLOSED;
  private int consecutiveFailures;
  private Instant openUntil = Instant.MIN;
  private boolean probing;

  /** A closed breaker named {@code name} (for logs), timed by {@code clock}. */
  public CircuitBreaker(String name, CircuitBreakerPolicy policy, Clock clock) {
    this.name = Objects.requireNonNull(name, "name");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A closed breaker with the default policy on the system clock. */
  public static CircuitBreaker withDefaults(String name) {
    return new CircuitBreaker(name, CircuitBreakerPolicy.defaults(), Clock.systemUTC());
  }

  /** The policy. */
  public CircuitBreakerPolicy policy() {
    return policy;
  }

  /** The current state; an open breaker whose time is up reads as half-open. */
  public synchronized CircuitState state() {
    if (state == CircuitState.OPEN && !clock.instant().isBefore(openUntil)) {
      return CircuitState.HALF_OPEN;
    }
    return state;
  }

  /** Whether calls are being held: open and not yet due for a probe. */
  public boolean isOpen() {
    return state() == CircuitState.OPEN;
  }

  /**
   * Whether a call may go to the sink now: always when closed, once (the probe) when half-open,
   * never when open. A caller that got true must report {@link #onSuccess} or {@link
   * #onSinkFailure}.
   */
  public synchronized boolean tryAcquire() {
    switch (state()) {
      case CLOSED:
        return true;
      case HALF_OPEN:
        if (probing) {
          return false;
        }
        transition(CircuitState.HALF_OPEN);
        probing = true;
        return true;
      default:
        return false;
    }
  }

  /** The sink answered: a probe closes the breaker, and the failure streak ends. */
  public synchronized void onSuccess() {
    consecutiveFailures = 0;
    if (state != CircuitState.CLOSED && probing) {
      probing = false;
      transition(CircuitState.CLOSED);
    }
  }

  /**
   * The sink failed transiently: a probe reopens the breaker, and the threshold-th failure in a row
   * opens it.
   *
   * @return whether the breaker is not closed after this failure, so the failure is the sink's, not
   *     the record's
   */
  public synchronized boolean onSinkFailure() {
    consecutiveFailures++;
    if (probing
        || (state == CircuitState.CLOSED && consecutiveFailures >= policy.failureThreshold())) {
      probing = false;
      openUntil = clock.instant().plus(policy.openDuration());
      transition(CircuitState.OPEN);
    }
    return state != CircuitState.CLOSED;
  }

  /** How long until a probe may go through; zero when closed or due. */
  public synchronized Duration untilProbe() {
    if (state == CircuitState.CLOSED) {
      return Duration.ZERO;
    }
    Duration left = Duration.between(clock.instant(), openUntil);
    return left.isNegative() ? Duration.ZERO : left;
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

  @Override
  public String toString() {
    return "CircuitBreaker[" + name + ", " + policy + "]";
  }
}
