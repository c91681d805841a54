package dev.offload.consumers.worker.internal;

import dev.offload.consumers.deadletter.DeadLetterReason;
import dev.offload.consumers.retry.FailureClass;
import dev.offload.consumers.retry.RetryDecision;
import dev.offload.consumers.retry.RetryPolicy;
import dev.offload.runtime.breaker.CircuitBreaker;
import dev.offload.schemas.Topics;
import dev.offload.schemas.registry.RegistryException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides the {@link Outcome} of an attempt that did not succeed: a record whose schema the
 * registry could not give, or whose sink the breaker holds, waits in place without spending an
 * attempt; a record that cannot be read is dead-lettered at once; any other failure is retried in
 * place, through a delay topic or dead-lettered, as the {@link RetryPolicy} decides. Keeps the
 * breaker informed and counts failures, retries and holds. Logs name the event id and coordinates,
 * never the payload.
 */
final class FailurePolicy {
  private static final Logger log = LoggerFactory.getLogger(FailurePolicy.class);

  /** The shortest wait of a record held by the breaker before it asks again. */
  static final Duration BREAKER_RECHECK = Duration.ofMillis(100);

  /** How often a record held for an unreachable schema registry tries again. */
  static final Duration REGISTRY_RECHECK = Duration.ofSeconds(2);

  private static final long REGISTRY_WARN_EVERY_NANOS = Duration.ofSeconds(30).toNanos();
  private static final AtomicLong lastRegistryWarning =
      new AtomicLong(System.nanoTime() - REGISTRY_WARN_EVERY_NANOS);

  private final RetryPolicy retry;
  private final CircuitBreaker breaker;
  private final WorkerRuntime runtime;

  /** A policy of {@code retry}, behind {@code breaker} ({@code null} for none). */
  FailurePolicy(RetryPolicy retry, CircuitBreaker breaker, WorkerRuntime runtime) {
    this.retry = retry;
    this.breaker = breaker;
    this.runtime = runtime;
  }

  /** A hold when the breaker does not let an attempt through now; empty when it does. */
  Optional<Outcome> holdIfBreakerOpen() {
    if (breaker == null || breaker.tryAcquire()) {
      return Optional.empty();
    }
    return Optional.of(breakerHold());
  }

  /** The handler took the record: the sink answered. */
  Outcome succeeded() {
    if (breaker != null) {
      breaker.onSuccess();
    }
    return Outcome.DONE;
  }

  /**
   * The record could not be read: held when the registry did not answer (or answered 5xx), for its
   * schema could not be fetched and the record is not poison; dead-lettered otherwise.
   */
  Outcome unreadable(WorkItem item, RuntimeException failure) {
    RegistryException unreachable = unreachableRegistry(failure);
    if (unreachable != null) {
      return registryHold(item, unreachable);
    }
    failedAt(item);
    return deadLetter(DeadLetterReason.DESERIALIZATION, failure);
  }

  /**
   * The handler failed with {@code failure}. A retryable failure counts against the sink and, when
   * the breaker is not closed afterwards, holds the record without spending an attempt; a fatal one
   * shows the sink answered.
   */
  Outcome failed(WorkItem item, Throwable failure) {
    if (sinkIsDown(failure)) {
      runtime.metrics().failed();
      return breakerHold();
    }
    failedAt(item);
    RetryDecision decision = retry.decide(failure, item.attempt(), runtime.jitter().getAsDouble());
    if (decision instanceof RetryDecision.InPlace inPlace) {
      logRetry(item, failure, inPlace.delay(), "in place");
      runtime.metrics().retried();
      return new Outcome.RetryInPlace(inPlace.delay());
    }
    if (decision instanceof RetryDecision.Delayed delayed) {
      logRetry(item, failure, delayed.delay(), "through " + Topics.delayLabel(delayed.tier()));
      runtime.metrics().retried();
      return new Outcome.Delayed(delayed.delay(), delayed.tier());
    }
    return deadLetter(((RetryDecision.DeadLetter) decision).reason(), failure);
  }

  private boolean sinkIsDown(Throwable failure) {
    if (breaker == null) {
      return false;
    }
    if (retry.classify(failure) == FailureClass.RETRYABLE) {
      return breaker.onSinkFailure();
    }
    breaker.onSuccess();
    return false;
  }

  private Outcome breakerHold() {
    runtime.metrics().heldByBreaker();
    Duration wait = breaker.untilProbe();
    return new Outcome.Held(wait.compareTo(BREAKER_RECHECK) < 0 ? BREAKER_RECHECK : wait);
  }

  /** A registry outage delays records, it never dead-letters them. */
  private Outcome registryHold(WorkItem item, RegistryException failure) {
    runtime.metrics().heldForRegistry();
    long now = System.nanoTime();
    long last = lastRegistryWarning.get();
    if (now - last >= REGISTRY_WARN_EVERY_NANOS && lastRegistryWarning.compareAndSet(last, now)) {
      log.warn(
          "The schema registry does not answer ({}); records whose schema is not cached wait for"
              + " it, retrying every {}",
          failure.getMessage(),
          REGISTRY_RECHECK);
    } else {
      log.debug("Holding {} for the schema registry: {}", item, failure.getMessage());
    }
    return new Outcome.Held(REGISTRY_RECHECK);
  }

  private static RegistryException unreachableRegistry(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof RegistryException e) {
        return e.isRetryable() ? e : null;
      }
    }
    return null;
  }

  private void failedAt(WorkItem item) {
    Instant now = runtime.clock().instant();
    item.failedAt(now);
    runtime.metrics().failed();
  }

  private static Outcome deadLetter(DeadLetterReason reason, Throwable failure) {
    return new Outcome.DeadLetter(reason, failure);
  }

  private static void logRetry(WorkItem item, Throwable failure, Duration delay, String how) {
    log.warn(
        "Event {} at {} failed attempt {} with {}: {}; retrying in {} ms {}",
        item.eventId(),
        item.origin(),
        item.attempt(),
        failure.getClass().getName(),
        failure.getMessage(),
        delay.toMillis(),
        how);
  }
}
