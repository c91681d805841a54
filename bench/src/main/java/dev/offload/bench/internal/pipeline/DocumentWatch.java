package dev.offload.bench.internal.pipeline;

import dev.offload.bench.EffectProbe;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Records when each document of the run becomes visible to search. The index leaves no time of its
 * own, so this asks: whenever the index's generation changes (a commit made more documents
 * visible), and every two seconds, it searches for the documents routed to the index worker and not
 * seen yet, many ids per query.
 */
public final class DocumentWatch implements AutoCloseable {
  private static final long EVERY_NANOS = 20_000_000L;
  private static final long SWEEP_NANOS = 2_000_000_000L;

  private final EffectProbe probe;
  private final Traces traces;
  private final Set<String> pending = ConcurrentHashMap.newKeySet();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Exception failure;

  /** Watches {@code probe}'s index for the documents {@link #expect}ed, noting times in traces. */
  public DocumentWatch(EffectProbe probe, Traces traces) {
    this.probe = probe;
    this.traces = traces;
    this.thread = new Thread(this::run, "bench-pipeline-documents");
    thread.setDaemon(true);
    thread.start();
  }

  /** Event {@code eventId} changes a document that should become visible. */
  public void expect(String eventId) {
    pending.add(eventId);
  }

  /** Documents not seen yet. */
  public int pending() {
    return pending.size();
  }

  private void run() {
    long generation = Long.MIN_VALUE;
    long sweptAt = 0;
    try {
      while (running) {
        long now = System.nanoTime();
        long g = probe.indexGeneration();
        if (g != generation || now - sweptAt > SWEEP_NANOS) {
          generation = g;
          sweptAt = now;
          sweep();
        }
        LockSupport.parkNanos(EVERY_NANOS);
      }
    } catch (Exception e) {
      failure = e;
    }
  }

  private void sweep() throws Exception {
    Map<String, String> routed = new HashMap<>();
    for (String id : pending) {
      EventTrace t = traces.get(id);
      if (t != null && t.onWork() != 0) {
        routed.put(t.entity(), id);
      }
    }
    if (routed.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    for (String document : probe.documentHits(List.copyOf(routed.keySet())).keySet()) {
      String id = routed.get(document);
      if (id != null) {
        traces.effect(id, now);
        pending.remove(id);
      }
    }
  }

  /** Throws what stopped the watch, if anything did. */
  public void requireRunning() {
    if (failure != null) {
      throw new IllegalStateException("watching the search index failed: " + failure, failure);
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(10_000);
  }
}
