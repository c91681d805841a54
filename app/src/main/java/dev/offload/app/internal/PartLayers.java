package dev.offload.app.internal;

import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parts of a stack started in layers: the parts of one layer start at the same time, each layer
 * once the one before is up; closing stops the layers in reverse, the parts of a layer at the same
 * time. A part that needs another belongs to a later layer, or starts after it in the same task.
 */
final class PartLayers implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PartLayers.class);

  private final Deque<List<Named>> layers = new ArrayDeque<>();
  private final ExecutorService threads;
  private volatile boolean abandoned;

  private record Named(String name, AutoCloseable part) {}

  PartLayers(String threadName) {
    AtomicInteger n = new AtomicInteger();
    this.threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, threadName + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Runs {@code starts} at the same time as one layer and waits for all of them; the parts they
   * register with {@link #started} are stopped together. When one fails, the others still finish
   * (so that what they started is registered and closed) and the first failure is thrown.
   */
  /** Makes every later {@link #layer} throw {@link DevStack.StartAbandoned} instead of starting. */
  void abandon() {
    abandoned = true;
  }

  void layer(Runnable... starts) {
    if (abandoned) {
      throw new DevStack.StartAbandoned();
    }
    layers.push(Collections.synchronizedList(new ArrayList<>()));
    if (starts.length == 1) {
      starts[0].run();
      return;
    }
    List<CompletableFuture<Void>> running = new ArrayList<>();
    for (Runnable start : starts) {
      running.add(CompletableFuture.runAsync(start, threads));
    }
    RuntimeException failure = null;
    for (CompletableFuture<Void> start : running) {
      try {
        start.join();
      } catch (CompletionException e) {
        if (failure == null) {
          failure =
              e.getCause() instanceof RuntimeException cause
                  ? cause
                  : new IllegalStateException(e.getCause());
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Registers {@code part} in the current layer, to be closed with it; returns it. */
  <T extends AutoCloseable> T started(T part) {
    layers.element().add(new Named(part.getClass().getSimpleName(), part));
    log.debug(
        "{} started, {} ms after the JVM",
        part.getClass().getSimpleName(),
        ManagementFactory.getRuntimeMXBean().getUptime());
    return part;
  }

  /** Stops the layers in reverse order, the parts of each at the same time. */
  @Override
  public void close() {
    while (!layers.isEmpty()) {
      List<Named> layer = new ArrayList<>(layers.pop());
      Collections.reverse(layer);
      List<CompletableFuture<Void>> stopping = new ArrayList<>();
      for (Named part : layer) {
        stopping.add(CompletableFuture.runAsync(() -> closeQuietly(part), threads));
      }
      stopping.forEach(CompletableFuture::join);
    }
    threads.shutdown();
  }

  private static void closeQuietly(Named part) {
    long start = System.nanoTime();
    try {
      part.part().close();
    } catch (Exception e) {
      log.warn("stopping {} failed: {}", part.name(), e.toString());
    }
    log.debug("{} stopped in {} ms", part.name(), (System.nanoTime() - start) / 1_000_000);
  }
}
