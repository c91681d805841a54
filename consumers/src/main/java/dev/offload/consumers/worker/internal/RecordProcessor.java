package dev.offload.consumers.worker.internal;

import dev.offload.consumers.worker.Event;
import dev.offload.consumers.worker.EventHeaders;
import dev.offload.consumers.worker.HandlerBinding;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Runs one attempt of a record: deserializes it, asks the breaker, calls the handler, and returns
 * the {@link Outcome}, the {@link FailurePolicy} deciding it for an attempt that did not succeed.
 * It changes nothing else: the {@link Dispatcher} applies the outcome.
 */
final class RecordProcessor<T> {
  private final HandlerBinding<T> binding;
  private final FailurePolicy failures;
  private final WorkerMetrics metrics;

  /** A processor of {@code binding}'s records whose failures {@code failures} decides. */
  RecordProcessor(HandlerBinding<T> binding, FailurePolicy failures, WorkerMetrics metrics) {
    this.binding = binding;
    this.failures = failures;
    this.metrics = metrics;
  }

  /** Runs the current attempt of {@code item}; the stage never fails. */
  CompletionStage<Outcome> attempt(WorkItem item) {
    Event<T> event;
    try {
      event = toEvent(item);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(failures.unreadable(item, e));
    }
    Optional<Outcome> held = failures.holdIfBreakerOpen();
    if (held.isPresent()) {
      return CompletableFuture.completedFuture(held.get());
    }
    long started = System.nanoTime();
    return invoke(event)
        .handle(
            (ok, error) -> {
              metrics.latency(System.nanoTime() - started);
              if (error != null) {
                return failures.failed(item, unwrap(error));
              }
              metrics.handled();
              return failures.succeeded();
            });
  }

  private Event<T> toEvent(WorkItem item) {
    ConsumerRecord<byte[], byte[]> r = item.record();
    T value;
    try {
      value = binding.deserializer().deserialize(item.origin().topic(), r.headers(), r.value());
    } catch (SerializationException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new SerializationException("Cannot deserialize the value at " + item.origin(), e);
    }
    String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    return new Event<>(
        key,
        value,
        EventHeaders.from(r.headers(), item.attempt()),
        item.origin().topic(),
        item.origin().partition(),
        item.origin().offset(),
        Math.max(0, r.serializedKeySize()) + Math.max(0, r.serializedValueSize()));
  }

  private CompletionStage<Void> invoke(Event<T> event) {
    try {
      CompletionStage<Void> stage = binding.handler().handle(event);
      return stage != null
          ? stage
          : CompletableFuture.failedFuture(new IllegalStateException("handler returned no stage"));
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
