package dev.offload.consumers.retry;

import dev.offload.consumers.deadletter.DeadLetterReason;
import java.time.Duration;

/** What to do with a record whose attempt failed, as decided by a {@link RetryPolicy}. */
public sealed interface RetryDecision {

  /**
   * Try again after {@code delay} without leaving the worker; only the record's key waits.
   *
   * @param delay the jittered backoff
   */
  record InPlace(Duration delay) implements RetryDecision {}

  /**
   * Publish the record to the delay topic of {@code tier} and try again after {@code delay}; the
   * partition moves on, the record's key waits.
   *
   * @param delay the jittered backoff
   * @param tier the delay topic's tier, the smallest one at least {@code delay} (or the largest)
   */
  record Delayed(Duration delay, Duration tier) implements RetryDecision {}

  /**
   * Publish the record to the dead-letter topic.
   *
   * @param reason why
   */
  record DeadLetter(DeadLetterReason reason) implements RetryDecision {}
}
