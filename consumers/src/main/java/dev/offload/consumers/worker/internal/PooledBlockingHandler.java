package dev.offload.consumers.worker.internal;

import dev.offload.consumers.worker.BlockingEventHandler;
import dev.offload.consumers.worker.Event;
import dev.offload.consumers.worker.EventHandler;
import io.opentelemetry.context.Context;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Runs a blocking handler on a fixed pool of its own; closing shuts the pool down. */
public final class PooledBlockingHandler<T> implements EventHandler<T>, AutoCloseable {
  private final BlockingEventHandler<T> handler;
  private final ThreadPoolExecutor pool;

  /** A pool of {@code threads} threads named after {@code name}. */
  public PooledBlockingHandler(String name, BlockingEventHandler<T> handler, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, was " + threads);
    }
    this.handler = handler;
    AtomicInteger n = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "offload-" + name + "-blocking-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
  }

  @Override
  public CompletionStage<Void> handle(Event<T> event) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      // In the caller's context: the attempt's span, when spans are recorded.
      Runnable task = () -> run(event, done);
      Context context = Context.current();
      pool.execute(context == Context.root() ? task : context.wrap(task));
    } catch (RejectedExecutionException e) {
      done.completeExceptionally(e);
    }
    return done;
  }

  private void run(Event<T> event, CompletableFuture<Void> done) {
    try {
      handler.handle(event);
      done.complete(null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      done.completeExceptionally(e);
    } catch (Exception | LinkageError | AssertionError e) {
      done.completeExceptionally(e);
    }
  }

  /** Lets running events finish for up to 5 s, then interrupts them. */
  @Override
  public void close() throws InterruptedException {
    pool.shutdown();
    if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
      pool.shutdownNow();
    }
  }
}
