package dev.offload.runtime.breaker;

import java.time.Duration;

/**
 * When a {@link CircuitBreaker} opens and how long it stays open.
 *
 * <p>For a worker's sink, pick {@code failureThreshold} at most the retry policy's {@code
 * maxAttempts}: failures seen while the breaker is open, half-open or being opened cost a record no
 * attempt, so with that choice an outage of the sink dead-letters nothing.
 *
 * @param failureThreshold consecutive sink failures that open the breaker; default 5, at least 1
 * @param openDuration how long the breaker stays open before a half-open probe; default 2 s
 */
public record CircuitBreakerPolicy(int failureThreshold, Duration openDuration) {

  /** Validates every field and names the one that is wrong. */
  public CircuitBreakerPolicy {
    if (failureThreshold < 1) {
      throw new IllegalArgumentException(
          "breaker.failureThreshold must be at least 1, was " + failureThreshold);
    }
    if (openDuration == null || openDuration.isNegative() || openDuration.isZero()) {
      throw new IllegalArgumentException(
          "breaker.openDuration must be a positive duration, was " + openDuration);
    }
  }

  /** The defaults listed on the record. */
  public static CircuitBreakerPolicy defaults() {
    return new CircuitBreakerPolicy(5, Duration.ofSeconds(2));
  }
}
