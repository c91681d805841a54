package dev.offload.ops.dashboard.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The outbox connectors that run in this process, read from their meters in the shared registry
 * ({@code offload dev} runs every role in one JVM and one registry). The ops role alone sees none:
 * in production the connector's capture latency is on its own {@code /metrics} and in Grafana.
 *
 * <p>The names are the connectors module's ({@code ConnectorMetrics}); ops does not depend on that
 * module, so they are repeated here and checked by {@code MetricNamesIT}.
 */
public final class ConnectorMeters {
  /** 1 while a connector's engine runs, tagged {@code connector}. */
  public static final String RUNNING = "offload.connector.running";

  /**
   * Time from an event's {@code occurred_at} to Kafka's acknowledgement, tagged {@code connector}.
   */
  public static final String CAPTURE_LATENCY = "offload.connector.capture.latency";

  /** Events acknowledged by Kafka, tagged {@code connector} and {@code type}. */
  public static final String EVENTS = "offload.connector.events";

  /** WAL bytes the connector's replication slot holds back, tagged {@code connector} and slot. */
  public static final String SLOT_RETAINED = "offload.connector.slot.retained.bytes";

  /** 1 while the connector's slot exists and is not invalidated, tagged as above. */
  public static final String SLOT_USABLE = "offload.connector.slot.usable";

  /** WAL held back by a slot above which the dashboard warns: the alert's threshold, 1 GiB. */
  public static final double SLOT_RETAINED_WARNING = 1024.0 * 1024 * 1024;

  /**
   * One connector.
   *
   * @param connector its name
   * @param running whether its engine runs
   * @param events events it delivered
   * @param captured events with a known capture latency
   * @param meanLatencySeconds mean capture latency in seconds; 0 before the first event
   * @param maxLatencySeconds highest capture latency in the registry's recent window, in seconds
   * @param slotRetainedBytes WAL its slot holds back; -1 before the slot was first read
   * @param slotWarning what is wrong with its slot, or null: gone or invalidated (events are not
   *     captured), or holding back more than {@link #SLOT_RETAINED_WARNING} of WAL (PostgreSQL's
   *     disk fills while the connector lags or is down)
   */
  public record Connector(
      String connector,
      boolean running,
      long events,
      long captured,
      double meanLatencySeconds,
      double maxLatencySeconds,
      double slotRetainedBytes,
      String slotWarning) {}

  private ConnectorMeters() {}

  /** The connectors {@code registry} has meters of, by name. */
  public static List<Connector> read(MeterRegistry registry) {
    Map<String, Double> running = new TreeMap<>();
    for (Gauge g : registry.find(RUNNING).gauges()) {
      running.put(name(g), g.value());
    }
    Map<String, Double> events = new TreeMap<>();
    for (Counter c : registry.find(EVENTS).counters()) {
      events.merge(name(c), c.count(), Double::sum);
    }
    Map<String, Timer> latency = new TreeMap<>();
    for (Timer t : registry.find(CAPTURE_LATENCY).timers()) {
      latency.put(name(t), t);
    }
    Map<String, Gauge> retained = new TreeMap<>();
    for (Gauge g : registry.find(SLOT_RETAINED).gauges()) {
      retained.put(name(g), g);
    }
    Map<String, Gauge> usable = new TreeMap<>();
    for (Gauge g : registry.find(SLOT_USABLE).gauges()) {
      usable.put(name(g), g);
    }
    List<Connector> out = new ArrayList<>();
    for (Map.Entry<String, Double> r : running.entrySet()) {
      Timer t = latency.get(r.getKey());
      Gauge held = retained.get(r.getKey());
      Gauge ok = usable.get(r.getKey());
      double heldBytes = held == null || Double.isNaN(held.value()) ? -1 : held.value();
      out.add(
          new Connector(
              r.getKey(),
              r.getValue() >= 1,
              Math.round(events.getOrDefault(r.getKey(), 0.0)),
              t == null ? 0 : t.count(),
              t == null ? 0 : t.mean(TimeUnit.SECONDS),
              t == null ? 0 : t.max(TimeUnit.SECONDS),
              heldBytes,
              slotWarning(ok, heldBytes)));
    }
    return out;
  }

  private static String slotWarning(Gauge usable, double retainedBytes) {
    String slot = usable == null ? null : usable.getId().getTag("slot");
    if (usable != null && usable.value() == 0) {
      return "slot " + slot + " is gone or invalidated: events committed now are not captured";
    }
    if (retainedBytes > SLOT_RETAINED_WARNING) {
      return String.format(
          Locale.ROOT,
          "slot %s holds back %.1f GiB of WAL: PostgreSQL's disk fills while capture lags",
          slot,
          retainedBytes / SLOT_RETAINED_WARNING);
    }
    return null;
  }

  private static String name(Meter meter) {
    String connector = meter.getId().getTag("connector");
    return connector == null ? "connector" : connector;
  }
}
