package dev.offload.consumers.worker.internal;

import dev.offload.consumers.retry.RetryableException;
import dev.offload.consumers.worker.BatchEventHandler;
import dev.offload.consumers.worker.BatchOptions;
import dev.offload.consumers.worker.Event;
import dev.offload.consumers.worker.EventHandler;
import dev.offload.consumers.worker.WorkerMetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Feeds a {@link BatchEventHandler}: the worker hands it events one by one as they become ready,
 * and each of its threads takes whatever is queued (up to the count and byte bounds) as one batch.
 * No event waits for a batch to fill: a batch is what arrived while the previous one ran, so under
 * light load batches are small and latency stays low, and under heavy load they grow.
 *
 * <p>A batch that fails is run again one event at a time, so only the failing events fail.
 */
public final class BatchingHandler<T> implements EventHandler<T>, AutoCloseable {
  /** An event waiting for its batch, with the context (the attempt's span) it was handed in. */
  private record Pending<T>(Event<T> event, CompletableFuture<Void> done, Context context) {}

  private final String name;
  private final BatchEventHandler<T> handler;
  private final BatchOptions options;
  private final LinkedBlockingQueue<Pending<T>> queue = new LinkedBlockingQueue<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean closed;
  private volatile DistributionSummary sizes;
  private volatile Counter splits;

  /** A handler running {@code handler} on {@code options.threads()} threads named after it. */
  public BatchingHandler(String name, BatchEventHandler<T> handler, BatchOptions options) {
    this.name = name;
    this.handler = handler;
    this.options = options;
    for (int i = 1; i <= options.threads(); i++) {
      Thread t = new Thread(this::run, "offload-" + name + "-batch-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /** Registers the batch meters, tagged with the worker's {@code group}. */
  public void bindTo(MeterRegistry registry, String group) {
    sizes =
        DistributionSummary.builder(WorkerMetricNames.BATCH_SIZE)
            .description("Events per batch handed to the handler")
            .tags("group", group, "handler", name)
            .register(registry);
    splits =
        Counter.builder(WorkerMetricNames.BATCH_SPLIT)
            .description("Failed batches run again one event at a time")
            .tags("group", group, "handler", name)
            .register(registry);
  }

  @Override
  public CompletionStage<Void> handle(Event<T> event) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (closed) {
      done.completeExceptionally(new RetryableException("the worker is stopping"));
    } else {
      queue.add(new Pending<>(event, done, Context.current()));
    }
    return done;
  }

  private void run() {
    while (!closed) {
      List<Pending<T>> batch;
      try {
        batch = nextBatch();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (!batch.isEmpty()) {
        runBatch(batch);
      }
    }
  }

  private List<Pending<T>> nextBatch() throws InterruptedException {
    List<Pending<T>> batch = new ArrayList<>();
    Pending<T> first = queue.poll(100, TimeUnit.MILLISECONDS);
    if (first == null) {
      return batch;
    }
    batch.add(first);
    long bytes = first.event().serializedSize();
    while (batch.size() < options.maxEvents()) {
      Pending<T> next = queue.peek();
      if (next == null || bytes + next.event().serializedSize() > options.maxBytes()) {
        break;
      }
      next = queue.poll();
      if (next == null) {
        break;
      }
      batch.add(next);
      bytes += next.event().serializedSize();
    }
    return batch;
  }

  private void runBatch(List<Pending<T>> batch) {
    DistributionSummary summary = sizes;
    if (summary != null) {
      summary.record(batch.size());
    }
    Throwable failure = attempt(batch);
    if (failure == null) {
      batch.forEach(p -> p.done().complete(null));
    } else if (batch.size() == 1) {
      batch.get(0).done().completeExceptionally(failure);
    } else {
      Counter counter = splits;
      if (counter != null) {
        counter.increment();
      }
      for (Pending<T> one : batch) {
        Throwable alone = attempt(List.of(one));
        if (alone == null) {
          one.done().complete(null);
        } else {
          one.done().completeExceptionally(alone);
        }
      }
    }
  }

  private Throwable attempt(List<Pending<T>> batch) {
    List<Event<T>> events = new ArrayList<>(batch.size());
    batch.forEach(p -> events.add(p.event()));
    // In the first event's context: the sink's span is a child of its attempt's and names every
    // event of the batch.
    try (Scope ignored = batch.get(0).context().makeCurrent()) {
      handler.handleBatch(events);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e;
    } catch (Exception | LinkageError | AssertionError e) {
      return e;
    }
  }

  /**
   * Lets running batches finish for up to 5 s, then interrupts them; events still queued fail as
   * retryable (the worker has stopped and they are redelivered).
   */
  @Override
  public void close() throws InterruptedException {
    closed = true;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    for (Thread t : threads) {
      t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      if (t.isAlive()) {
        t.interrupt();
        t.join(1_000); // its batch fails on the interrupt: let it say so before we return
      }
    }
    Pending<T> left;
    while ((left = queue.poll()) != null) {
      left.done().completeExceptionally(new RetryableException("the worker stopped"));
    }
  }
}
