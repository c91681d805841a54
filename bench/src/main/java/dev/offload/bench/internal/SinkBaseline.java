package dev.offload.bench.internal;

import dev.offload.consumers.worker.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A handler called directly, without Kafka and without a worker: the rate its sink allows, which
 * the worker's rate is compared with.
 */
public final class SinkBaseline {
  private SinkBaseline() {}

  /** A batch handler's call. */
  @FunctionalInterface
  public interface BatchCall<T> {
    /** Handles {@code events} as one batch. */
    void handle(List<Event<T>> events) throws Exception;
  }

  /** A one-event handler's call. */
  @FunctionalInterface
  public interface EachCall<T> {
    /** Handles {@code event}. */
    void handle(Event<T> event) throws Exception;
  }

  /**
   * Hands {@code events} to {@code call} in batches of {@code batch}, from {@code threads} threads
   * taking the next batch as they finish one; returns events per second.
   */
  public static <T> double batchesAlone(
      List<Event<T>> events, int batch, int threads, BatchCall<T> call) throws Exception {
    List<List<Event<T>>> batches = new ArrayList<>();
    for (int i = 0; i < events.size(); i += batch) {
      batches.add(events.subList(i, Math.min(events.size(), i + batch)));
    }
    AtomicInteger next = new AtomicInteger();
    return timed(
        events.size(),
        threads,
        () -> {
          int i;
          while ((i = next.getAndIncrement()) < batches.size()) {
            call.handle(batches.get(i));
          }
          return null;
        });
  }

  /** Hands {@code events} to {@code call} one by one from {@code threads} threads. */
  public static <T> double eachAlone(List<Event<T>> events, int threads, EachCall<T> call)
      throws Exception {
    return batchesAlone(events, 1, threads, one -> call.handle(one.get(0)));
  }

  private static double timed(int count, int threads, java.util.concurrent.Callable<Void> task)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long start = System.nanoTime();
      List<Future<Void>> running = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        running.add(pool.submit(task));
      }
      for (Future<Void> f : running) {
        f.get();
      }
      return count / ((System.nanoTime() - start) / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }
}
