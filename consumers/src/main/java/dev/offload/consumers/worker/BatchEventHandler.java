package dev.offload.consumers.worker;

import java.util.List;

/**
 * Does the work of several events at once on the calling thread, all or nothing: one database
 * transaction, one index commit, one bulk call to a sink. Bound with {@link
 * HandlerBinding#batching}.
 *
 * <p>The worker hands a batch the records that are ready at the same time, at most one per key (a
 * key's next record starts only once its previous one is done, so key order holds across batches),
 * bounded by {@link BatchOptions}. Return to succeed for every event of the batch; throw to fail
 * it. A failed batch of more than one event is run again one event at a time, so a poison record
 * fails (and is retried or dead-lettered) alone while the others succeed. The effect must therefore
 * be atomic per batch, as a database transaction is, and idempotent on {@code
 * event.headers().eventId()}, since Kafka delivers at least once.
 *
 * @param <T> the value type
 */
@FunctionalInterface
public interface BatchEventHandler<T> {
  /** Handles every event of {@code events} (in the order given), blocking as long as needed. */
  void handleBatch(List<Event<T>> events) throws Exception;
}
