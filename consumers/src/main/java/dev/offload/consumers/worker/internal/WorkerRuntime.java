package dev.offload.consumers.worker.internal;

import dev.offload.consumers.worker.Scheduler;
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
 */
public record WorkerRuntime(
    Executor executor,
    Scheduler scheduler,
    Clock clock,
    DoubleSupplier jitter,
    WorkerMetrics metrics) {}
