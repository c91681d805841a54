package dev.offload.ops.lag;

import dev.offload.ops.lag.OffsetSampler.GroupReading;
import dev.offload.ops.lag.OffsetSampler.LogRanges;
import dev.offload.ops.lag.OldestRecordReader.Position;
import dev.offload.schemas.config.ConfigChecks;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches consumer groups: every {@link LagMonitorConfig#interval()} it reads each group's
 * committed offsets, the log ends, and the age of the oldest unconsumed record, evaluates the
 * {@link LagStatus} of each partition over a sliding window, exports gauges, and keeps the result
 * as an immutable {@link #snapshot()}.
 *
 * <p>Gauges, tagged {@code group}, {@code topic}, {@code partition}: {@value #LAG_RECORDS}, {@value
 * #LAG_SECONDS} ({@code NaN} when unknown), {@value #LAG_STATUS} ({@link LagStatus#code()}); and
 * per group, tagged {@code group}: {@value #GROUP_MAX_LAG_RECORDS}, {@value
 * #GROUP_MAX_LAG_SECONDS}, {@value #GROUP_STATUS}, {@value #GROUP_TIME_TO_DRAIN} ({@code +Inf} when
 * the group is not gaining, {@code NaN} when unknown) and {@value #GROUP_OBJECTIVE}. Gauges of a
 * partition or group that disappears are removed.
 */
public final class LagMonitor implements AutoCloseable {
  /** Lag in records per group and partition. */
  public static final String LAG_RECORDS = "offload.consumer.lag.records";

  /** Age in seconds of the oldest unconsumed record per group and partition. */
  public static final String LAG_SECONDS = "offload.consumer.lag.seconds";

  /** {@link LagStatus#code()} per group and partition. */
  public static final String LAG_STATUS = "offload.consumer.lag.status";

  /** Highest lag in records over a group's partitions. */
  public static final String GROUP_MAX_LAG_RECORDS = "offload.consumer.lag.records.max";

  /** Highest lag in seconds over a group's partitions. */
  public static final String GROUP_MAX_LAG_SECONDS = "offload.consumer.lag.seconds.max";

  /** {@link LagStatus#code()} of a group: its worst partition. */
  public static final String GROUP_STATUS = "offload.consumer.lag.group.status";

  /**
   * Seconds until a group's lag reaches 0 at the consume and produce rates of the window ({@link
   * GroupLag#timeToDrainSeconds()}).
   */
  public static final String GROUP_TIME_TO_DRAIN = "offload.consumer.lag.drain.seconds";

  /** A group's lag objective in seconds ({@link LagObjectives}). */
  public static final String GROUP_OBJECTIVE = "offload.consumer.lag.objective.seconds";

  private static final Logger log = LoggerFactory.getLogger(LagMonitor.class);
  private final LagMonitorConfig config;
  private final Admin admin;
  private final OffsetSampler sampler;
  private final OldestRecordReader reader;
  private final LagMetrics metrics;
  private final LagEvaluator evaluator;
  private volatile LagSnapshot latest = LagSnapshot.empty();
  private ScheduledExecutorService scheduler;

  private LagMonitor(LagMonitorConfig config, MeterRegistry registry) {
    this.config = ConfigChecks.check(config);
    this.admin = Admin.create(config.adminProperties());
    this.sampler = new OffsetSampler(admin, config.requestTimeout());
    this.reader = new OldestRecordReader(config.readerProperties(), config.requestTimeout());
    this.metrics = new LagMetrics(registry);
    this.evaluator = new LagEvaluator(config.windowSize(), config.objectives());
  }

  /** A monitor that exports its gauges to {@code registry}; call {@link #start()} to poll. */
  public static LagMonitor create(LagMonitorConfig config, MeterRegistry registry) {
    return new LagMonitor(config, registry);
  }

  /** A monitor whose gauges nobody reads (the command line). */
  public static LagMonitor create(LagMonitorConfig config) {
    return new LagMonitor(config, new SimpleMeterRegistry());
  }

  /** The configuration. */
  public LagMonitorConfig config() {
    return config;
  }

  /** Polls now and then every interval on a daemon thread; a failed poll is logged and retried. */
  public synchronized void start() {
    if (scheduler != null) {
      return;
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "offload-lag-monitor");
              t.setDaemon(true);
              return t;
            });
    long every = config.interval().toMillis();
    scheduler.scheduleWithFixedDelay(this::sampleQuietly, 0, every, TimeUnit.MILLISECONDS);
  }

  /** The result of the latest poll; {@link LagSnapshot#empty()} before the first. */
  public LagSnapshot snapshot() {
    return latest;
  }

  /**
   * Polls once: reads offsets and members, appends a sample to each partition's window, evaluates
   * the statuses, updates the gauges and the snapshot, and returns it.
   *
   * @throws IllegalStateException when the consumer groups cannot be listed
   */
  public synchronized LagSnapshot sampleOnce() throws InterruptedException {
    Instant now = config.clock().instant();
    List<String> groups = sampler.groups(config.groups());
    Map<String, GroupReading> readings = sampler.readGroups(groups);
    Set<TopicPartition> partitions = OffsetSampler.partitionsOf(readings.values());
    LogRanges ranges = sampler.readRanges(partitions);
    evaluator.recordHistory(ranges, now);
    Map<Position, Instant> exact = readExact(readings.values(), ranges);
    List<GroupLag> lags = evaluator.evaluate(readings.values(), ranges, exact, now);
    LagSnapshot snapshot = new LagSnapshot(now, lags);
    metrics.update(snapshot);
    latest = snapshot;
    return snapshot;
  }

  private Map<Position, Instant> readExact(Iterable<GroupReading> readings, LogRanges ranges) {
    if (!config.exactReads()) {
      return Map.of();
    }
    Set<Position> wanted = new HashSet<>();
    for (GroupReading reading : readings) {
      reading
          .committed()
          .forEach(
              (tp, committed) -> {
                Long start = ranges.start().get(tp);
                Long end = ranges.end().get(tp);
                if (start != null && end != null && committed >= start && committed < end) {
                  wanted.add(new Position(tp, committed));
                }
              });
    }
    return wanted.isEmpty() ? Map.of() : reader.timestamps(wanted);
  }

  private void sampleQuietly() {
    try {
      sampleOnce();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("Lag poll failed; retrying in {}", config.interval(), e);
    }
  }

  /** Stops polling, removes the gauges and closes the Kafka clients. */
  @Override
  public void close() {
    ScheduledExecutorService s;
    synchronized (this) {
      s = scheduler;
    }
    if (s != null) {
      s.shutdownNow();
      try {
        s.awaitTermination(config.requestTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      metrics.clear();
      reader.close();
      admin.close(Duration.ofSeconds(5));
    }
  }
}
