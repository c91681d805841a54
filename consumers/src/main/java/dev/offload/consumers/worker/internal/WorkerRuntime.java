package dev.offload.consumers.worker.internal;

import dev.offload.consumers.worker.Scheduler;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.function.DoubleSupplier;

/**
 * The services a worker runs on, injected so tests control them.
 *
 * @param executor where records start (deserialization and the handler call)
 * @param scheduler waits for in-place retries
 * @param clock the time of failures, due times and commits
 * @param jitter uniform random numbers in [0, 1) for the backoff
 * @param metrics the worker's meters
 * @param tracer where the spans of its attempts go
 */
public record WorkerRuntime(
    Executor executor,
    Scheduler scheduler,
    Clock clock,
    DoubleSupplier jitter,
    WorkerMetrics metrics,
    Tracer tracer) {

  /** Services that record no spans. */
  public WorkerRuntime(
      Executor executor,
      Scheduler scheduler,
      Clock clock,
      DoubleSupplier jitter,
      WorkerMetrics metrics) {
    this(executor, scheduler, clock, jitter, metrics, TracerProvider.noop().get("offload"));
  }
}
