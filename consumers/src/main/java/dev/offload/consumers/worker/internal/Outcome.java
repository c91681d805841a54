package dev.offload.consumers.worker.internal;

import dev.offload.consumers.deadletter.DeadLetterReason;
import java.time.Duration;

/**
 * What became of one attempt of a record: decided by the {@link FailurePolicy}, returned by the
 * {@link RecordProcessor}, applied to lanes and offsets by the {@link Dispatcher} alone.
 */
sealed interface Outcome {

  /** The handler took the record: its offset and its lane move on. */
  Done DONE = new Done();

  /** Handled. */
  record Done() implements Outcome {}

  /**
   * The attempt failed: the next attempt runs after {@code delay} without leaving the worker, the
   * record keeping its slot and its key.
   */
  record RetryInPlace(Duration delay) implements Outcome {}

  /**
   * The record could not be tried (the breaker is open, the schema registry does not answer): the
   * same attempt runs again after {@code pause}, spending nothing.
   */
  record Held(Duration pause) implements Outcome {}

  /**
   * The attempt failed: the record goes to the delay topic of {@code tier} and its next attempt is
   * due after {@code delay}; the partition moves on, the record's key waits.
   */
  record Delayed(Duration delay, Duration tier) implements Outcome {}

  /** The record goes to the dead-letter topic, for {@code reason}, after {@code failure}. */
  record DeadLetter(DeadLetterReason reason, Throwable failure) implements Outcome {}
}
