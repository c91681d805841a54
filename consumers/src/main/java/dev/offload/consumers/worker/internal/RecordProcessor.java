package dev.offload.consumers.worker.internal;

import dev.offload.consumers.worker.Event;
import dev.offload.consumers.worker.EventHeaders;
import dev.offload.consumers.worker.HandlerBinding;
import dev.offload.runtime.tracing.KafkaSpans;
import dev.offload.runtime.tracing.Tracing;
import dev.offload.schemas.OffloadHeaders;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;

/**
 * Runs one attempt of a record: deserializes it, asks the breaker, calls the handler, and returns
 * the {@link Outcome}, the {@link FailurePolicy} deciding it for an attempt that did not succeed.
 * It changes nothing else: the {@link Dispatcher} applies the outcome.
 */
final class RecordProcessor<T> {
  private static final AttributeKey<String> DELAY = AttributeKey.stringKey("offload.delay");
  private static final AttributeKey<String> REASON = AttributeKey.stringKey("offload.reason");
  private final HandlerBinding<T> binding;
  private final FailurePolicy failures;
  private final WorkerMetrics metrics;
  private final Tracer tracer;
  private final boolean traced;
  private final String group;

  /**
   * A processor of {@code binding}'s records whose failures {@code failures} decides, recording a
   * span of each attempt (and of the wait before the first) in {@code tracer}.
   */
  RecordProcessor(
      HandlerBinding<T> binding,
      FailurePolicy failures,
      WorkerMetrics metrics,
      Tracer tracer,
      String group) {
    this.binding = binding;
    this.failures = failures;
    this.metrics = metrics;
    this.tracer = tracer;
    this.traced = Tracing.records(tracer);
    this.group = group;
  }

  /** Runs the current attempt of {@code item}; the stage never fails. */
  CompletionStage<Outcome> attempt(WorkItem item) {
    Span span = startSpan(item);
    return attemptOnce(item, span).thenApply(outcome -> ended(span, outcome));
  }

  private CompletionStage<Outcome> attemptOnce(WorkItem item, Span span) {
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
    CompletionStage<Void> run;
    if (traced) {
      // The handler's calls to its sink record their spans under this attempt's.
      try (Scope ignored = Tracing.withSpan(Context.current(), span, tracer).makeCurrent()) {
        run = invoke(event);
      }
    } else {
      run = invoke(event);
    }
    return run.handle(
        (ok, error) -> {
          // In the attempt's span: the latency bucket may name its trace (exemplar).
          long nanos = System.nanoTime() - started;
          if (traced) {
            try (Scope ignored = span.makeCurrent()) {
              metrics.latency(nanos);
            }
          } else {
            metrics.latency(nanos);
          }
          if (error != null) {
            return failures.failed(item, unwrap(error));
          }
          metrics.handled();
          return failures.succeeded();
        });
  }

  /**
   * The span of this attempt, a child of the span the record's {@code traceparent} names; before
   * the first attempt in this worker, a span of the time the record waited since it was polled (the
   * parent of the attempts of a record that came without a {@code traceparent}).
   */
  private Span startSpan(WorkItem item) {
    if (!traced) {
      return Span.getInvalid();
    }
    ConsumerRecord<byte[], byte[]> r = item.record();
    String eventId = item.eventId();
    if (item.firstStart()) {
      Header header = r.headers().lastHeader(OffloadHeaders.TRACEPARENT);
      Context parent =
          Tracing.parent(
              header == null ? null : new String(header.value(), StandardCharsets.UTF_8));
      Span queued =
          tracer
              .spanBuilder(group + " queue")
              .setParent(parent)
              .setStartTimestamp(item.receivedNanos(), TimeUnit.NANOSECONDS)
              .setAttribute(Tracing.EVENT_ID, eventId == null ? "" : eventId)
              .startSpan();
      queued.end();
      item.traceContext(
          Span.fromContext(parent).getSpanContext().isValid()
              ? parent
              : Context.root().with(queued));
    }
    Context parent = item.traceContext() == null ? Context.root() : item.traceContext();
    return tracer
        .spanBuilder(group + " process")
        .setSpanKind(SpanKind.CONSUMER)
        .setParent(parent)
        .setAttribute(Tracing.EVENT_ID, eventId == null ? "" : eventId)
        .setAllAttributes(KafkaSpans.CURRENT.process(group))
        .setAllAttributes(KafkaSpans.CURRENT.record(r.topic(), r.partition(), r.offset()))
        .setAttribute("offload.attempt", (long) item.attempt())
        .startSpan();
  }

  /** Ends {@code span} with what became of the attempt. */
  private static Outcome ended(Span span, Outcome outcome) {
    if (outcome instanceof Outcome.RetryInPlace retry) {
      span.setStatus(StatusCode.ERROR);
      span.addEvent("retry in place", Attributes.of(DELAY, retry.delay().toString()));
    } else if (outcome instanceof Outcome.Delayed delayed) {
      span.setStatus(StatusCode.ERROR);
      span.addEvent("retry from the delay topic", Attributes.of(DELAY, delayed.tier().toString()));
    } else if (outcome instanceof Outcome.DeadLetter letter) {
      span.setStatus(StatusCode.ERROR, String.valueOf(letter.failure()));
      span.addEvent("dead-lettered", Attributes.of(REASON, letter.reason().toString()));
    } else if (outcome instanceof Outcome.Held held) {
      span.addEvent("held by the breaker", Attributes.of(DELAY, held.pause().toString()));
    }
    span.end();
    return outcome;
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
