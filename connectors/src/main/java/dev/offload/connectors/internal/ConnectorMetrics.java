package dev.offload.connectors.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * The connector's meters, tagged with the connector name: events delivered per type, capture
 * latency (delivery time minus the event's {@code occurred_at}), changes of captured tables per
 * table and op with their latency, and whether the engine runs.
 */
public final class ConnectorMetrics {
  /** Events acknowledged by Kafka, tagged {@code type}. */
  public static final String EVENTS = "offload.connector.events";

  /** Acknowledgement time minus {@code occurred_at}. */
  public static final String CAPTURE_LATENCY = "offload.connector.capture.latency";

  /** Changes of captured tables acknowledged by Kafka, tagged {@code table} and {@code op}. */
  public static final String CHANGES = "offload.connector.changes";

  /**
   * Acknowledgement time minus the commit time in the source, for streamed table changes (not
   * snapshot reads), tagged {@code table}; with a percentile histogram.
   */
  public static final String CHANGE_LATENCY = "offload.connector.change.latency";

  /** Records sent again because Kafka did not acknowledge them (the broker down, say). */
  public static final String RESENT = "offload.connector.resent";

  /** 1 while the engine runs, else 0. */
  public static final String RUNNING = "offload.connector.running";

  private final MeterRegistry registry;
  private final String connector;
  private final Clock clock;
  private final Timer latency;
  private final Counter resent;

  /** Registers the meters; {@code running} is read on every scrape. */
  public ConnectorMetrics(
      MeterRegistry registry, String connector, Clock clock, BooleanSupplier running) {
    this.registry = registry;
    this.connector = connector;
    this.clock = clock;
    this.latency =
        Timer.builder(CAPTURE_LATENCY)
            .description("Time from an event's occurred_at to Kafka's acknowledgement")
            .tag("connector", connector)
            .register(registry);
    this.resent =
        Counter.builder(RESENT)
            .description("Records sent again because Kafka did not acknowledge them")
            .tag("connector", connector)
            .register(registry);
    Gauge.builder(RUNNING, running, r -> r.getAsBoolean() ? 1 : 0)
        .description("1 while the connector's engine is running")
        .tag("connector", connector)
        .strongReference(true)
        .register(registry);
  }

  /**
   * Counts one delivered change of {@code table} with {@code op}; a streamed change ({@code c},
   * {@code u}, {@code d}) committed at {@code committedAt} (if known) also records its latency.
   */
  public void changeDelivered(String table, String op, Instant committedAt) {
    Counter.builder(CHANGES)
        .description("Changes of captured tables acknowledged by Kafka (op r: snapshot reads)")
        .tag("connector", connector)
        .tag("table", table)
        .tag("op", op)
        .register(registry)
        .increment();
    if (committedAt != null && !"r".equals(op)) {
      Duration age = Duration.between(committedAt, clock.instant());
      Timer.builder(CHANGE_LATENCY)
          .description("Time from a table change's commit to Kafka's acknowledgement")
          .tag("connector", connector)
          .tag("table", table)
          .publishPercentileHistogram()
          .register(registry)
          .record(age.isNegative() ? Duration.ZERO : age);
    }
  }

  /** Counts one record sent again. */
  public void resent() {
    resent.increment();
  }

  /** Counts one delivered event of {@code type} that happened at {@code occurredAt} (if known). */
  public void delivered(String type, Instant occurredAt) {
    Counter.builder(EVENTS)
        .description("Outbox events acknowledged by Kafka")
        .tag("connector", connector)
        .tag("type", type)
        .register(registry)
        .increment();
    if (occurredAt != null) {
      Duration age = Duration.between(occurredAt, clock.instant());
      latency.record(age.isNegative() ? Duration.ZERO : age);
    }
  }
}
