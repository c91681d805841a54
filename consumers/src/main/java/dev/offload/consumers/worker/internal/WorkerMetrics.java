package dev.offload.consumers.worker.internal;

import dev.offload.consumers.deadletter.DeadLetterReason;
import dev.offload.consumers.worker.WorkerMetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The meters of one worker, tagged with its group and handler (names in {@link WorkerMetricNames}).
 */
public final class WorkerMetrics {
  private final MeterRegistry registry;
  private final Tags tags;
  private final Counter handled;
  private final Counter failed;
  private final Counter retried;
  private final Counter heldByBreaker;
  private final Counter heldForRegistry;
  private final Counter delayRecordsRead;
  private final Map<DeadLetterReason, Counter> deadLettered = new EnumMap<>(DeadLetterReason.class);
  private final Timer latency;
  private final List<Meter> gauges = new ArrayList<>();

  /** Registers the counters and the timer in {@code registry}, tagged {@code lane=live}. */
  public WorkerMetrics(MeterRegistry registry, String group, String handler) {
    this(registry, group, handler, WorkerMetricNames.LANE_LIVE);
  }

  /**
   * Registers the counters and the timer in {@code registry}, tagged {@code lane} ({@link
   * WorkerMetricNames#LANE_LIVE} or {@link WorkerMetricNames#LANE_REPLAY}).
   */
  public WorkerMetrics(MeterRegistry registry, String group, String handler, String lane) {
    this.registry = registry;
    this.tags = Tags.of("group", group, "handler", handler, "lane", lane);
    this.handled = counter(WorkerMetricNames.HANDLED, "Records whose handler succeeded");
    this.failed = counter(WorkerMetricNames.FAILED, "Failed attempts");
    this.retried = counter(WorkerMetricNames.RETRIED, "Retries scheduled");
    this.heldByBreaker =
        counter(WorkerMetricNames.BREAKER_HELD, "Records held while the circuit breaker was open");
    this.heldForRegistry =
        counter(
            WorkerMetricNames.REGISTRY_HELD,
            "Records held because the schema registry did not answer for their schema");
    this.delayRecordsRead =
        counter(
            WorkerMetricNames.DELAY_RECORDS_READ,
            "Delay-topic records read to find the retries that park keys");
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      deadLettered.put(
          reason,
          Counter.builder(WorkerMetricNames.DEAD_LETTERED)
              .description("Records sent to the dead-letter topic")
              .tags(tags)
              .tag("reason", reason.headerValue())
              .register(registry));
    }
    this.latency =
        Timer.builder(WorkerMetricNames.HANDLER_LATENCY)
            .description("Duration of handler attempts")
            .tags(tags)
            .publishPercentileHistogram()
            .register(registry);
  }

  /** Registers a gauge that reads {@code value}; removed on {@link #close}. */
  public void gauge(String name, String description, IntSupplier value) {
    gauges.add(
        Gauge.builder(name, value, v -> v.getAsInt())
            .description(description)
            .tags(tags)
            .strongReference(true)
            .register(registry));
  }

  void handled() {
    handled.increment();
  }

  void failed() {
    failed.increment();
  }

  void retried() {
    retried.increment();
  }

  void heldByBreaker() {
    heldByBreaker.increment();
  }

  void heldForRegistry() {
    heldForRegistry.increment();
  }

  void delayRecordRead() {
    delayRecordsRead.increment();
  }

  void deadLettered(DeadLetterReason reason) {
    deadLettered.get(reason).increment();
  }

  void latency(long nanos) {
    latency.record(Duration.ofNanos(nanos));
  }

  /** Removes the gauges, which would otherwise report a stopped worker's last values. */
  public void close() {
    gauges.forEach(registry::remove);
    gauges.clear();
  }

  private Counter counter(String name, String description) {
    return Counter.builder(name).description(description).tags(tags).register(registry);
  }
}
