package dev.offload.bench.internal.pipeline;

import dev.offload.bench.internal.Latencies;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The latencies of one step's events, stage by stage: cumulative from the 202 (what a caller waits
 * for after its request returned), and hop by hop (what each stage adds, to name the slowest).
 */
public final class StageLatencies {
  /** Request due -> 202. */
  public final Latencies ack = new Latencies();

  /** 202 -> on the events topic. */
  public final Latencies events = new Latencies();

  /** 202 -> on the work topic. */
  public final Latencies work = new Latencies();

  /** 202 -> effect done, every type. */
  public final Latencies effect = new Latencies();

  /** Request due -> effect done, every type. */
  public final Latencies endToEnd = new Latencies();

  /** On the events topic -> on the work topic: what the router adds. */
  public final Latencies routed = new Latencies();

  private final Map<String, Latencies> effectByType = new HashMap<>();
  private final Map<String, Latencies> handledByType = new HashMap<>();

  /** 202 -> effect done for events of {@code type}. */
  public Latencies effect(String type) {
    return effectByType.computeIfAbsent(type, t -> new Latencies());
  }

  /** On the work topic -> effect done for events of {@code type}: what its worker adds. */
  public Latencies handled(String type) {
    return handledByType.computeIfAbsent(type, t -> new Latencies());
  }

  /** The latencies of each of {@code steps} steps, from the traces of accepted events. */
  public static List<StageLatencies> perStep(Traces traces, int steps) {
    List<StageLatencies> all = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      all.add(new StageLatencies());
    }
    for (EventTrace t : traces.values()) {
      if (t.type() != null && t.step() >= 0 && t.step() < steps) {
        all.get(t.step()).add(t);
      }
    }
    return all;
  }

  private void add(EventTrace t) {
    ack.recordNanos(t.accepted() - t.due());
    if (t.onEvents() != 0) {
      events.recordNanos(t.onEvents() - t.accepted());
    }
    if (t.onWork() != 0) {
      work.recordNanos(t.onWork() - t.accepted());
      if (t.onEvents() != 0) {
        routed.recordNanos(t.onWork() - t.onEvents());
      }
    }
    if (t.effect() != 0) {
      effect.recordNanos(t.effect() - t.accepted());
      effect(t.type()).recordNanos(t.effect() - t.accepted());
      endToEnd.recordNanos(t.effect() - t.due());
      if (t.onWork() != 0) {
        handled(t.type()).recordNanos(t.effect() - t.onWork());
      }
    }
  }

  /** The latency at {@code percentile} in ms, or NaN when nothing was measured. */
  public static double at(Latencies latencies, double percentile) {
    return latencies.count() == 0 ? Double.NaN : latencies.millisAt(percentile);
  }
}
