package dev.offload.consumers.worker;

import java.util.concurrent.CompletionStage;

/**
 * Does the work of one event, asynchronously: returns at once with a stage that completes when the
 * effect is done (for Vert.x mail or pg clients). Must not block the calling thread; use {@link
 * BlockingEventHandler} for blocking code.
 *
 * <p>Fail the stage (or throw) to fail the attempt: {@link
 * dev.offload.consumers.retry.RetryableException} is retried, fatal errors are dead-lettered, see
 * {@link dev.offload.consumers.retry.RetryPolicy}. The worker may deliver an event more than once
 * (after a crash or a rebalance), so the effect must be idempotent on {@code event.headers()
 * .eventId()}, for example with a {@link dev.offload.consumers.dedup.ProcessedEventStore}.
 *
 * @param <T> the value type
 */
@FunctionalInterface
public interface EventHandler<T> {
  /** Starts handling {@code event}; the stage completes when it is done. */
  CompletionStage<Void> handle(Event<T> event);
}
