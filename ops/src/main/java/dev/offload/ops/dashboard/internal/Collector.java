package dev.offload.ops.dashboard.internal;

import dev.offload.ops.lag.LagMonitor;
import dev.offload.ops.lag.LagSnapshot;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers what the dashboard shows, off the HTTP event loop: each new lag snapshot into the {@link
 * LagHistory} with its {@link Throughput}, the dead-letter topics every lag interval, and the role
 * checks every two seconds. Each of the three runs on its own daemon thread, so an unreachable
 * broker or a slow check delays only itself. The HTTP handlers only read the results.
 */
public final class Collector implements AutoCloseable {
  /** Dead letters ever written per dead-letter topic, tagged {@code topic}. */
  public static final String DEAD_LETTERS = "offload.dlq.records";

  private static final Logger log = LoggerFactory.getLogger(Collector.class);
  private static final Duration SNAPSHOT_CHECK = Duration.ofMillis(250);
  private static final Duration ROLE_CHECK = Duration.ofSeconds(2);

  private final LagMonitor monitor;
  private final DeadLetterReader deadLetterReader;
  private final Map<String, BooleanSupplier> checks;
  private final Duration deadLetterInterval;
  private final Clock clock;
  private final LagHistory history;
  private final Throughput throughput;
  private final CounterSet<String> deadLetterCounters;
  private final ScheduledExecutorService scheduler;
  private volatile Instant lastSnapshot = Instant.EPOCH;
  private volatile Map<String, Throughput.TopicRate> rates = Map.of();
  private volatile DeadLetters deadLetters = DeadLetters.none();
  private volatile List<RoleHealth> roles = List.of();

  /**
   * A collector of {@code monitor}'s snapshots (kept for {@code history}), of {@code reader}'s dead
   * letters (every {@code deadLetterInterval}) and of the {@code checks}, exporting its counters to
   * {@code registry}; {@link #start()} begins.
   */
  public Collector(
      LagMonitor monitor,
      DeadLetterReader reader,
      Map<String, BooleanSupplier> checks,
      MeterRegistry registry,
      Duration history,
      Duration deadLetterInterval,
      Clock clock) {
    this.monitor = monitor;
    this.deadLetterReader = reader;
    this.checks = Map.copyOf(checks);
    this.deadLetterInterval = deadLetterInterval;
    this.clock = clock;
    this.history = new LagHistory(history);
    this.throughput = new Throughput(registry);
    this.deadLetterCounters =
        new CounterSet<>(
            registry,
            DEAD_LETTERS,
            "Dead letters written to the dead-letter topic (sum of its log-end offsets)",
            topic -> Tags.of("topic", topic));
    this.scheduler =
        Executors.newScheduledThreadPool(
            3,
            r -> {
              Thread t = new Thread(r, "offload-ops-collector");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts collecting. */
  public void start() {
    schedule(this::takeSnapshot, SNAPSHOT_CHECK);
    schedule(this::readDeadLetters, deadLetterInterval);
    schedule(this::runChecks, ROLE_CHECK);
  }

  private void schedule(Runnable task, Duration every) {
    scheduler.scheduleWithFixedDelay(task, 0, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The latest lag snapshot. */
  public LagSnapshot snapshot() {
    return monitor.snapshot();
  }

  /** The frames of the last {@link LagHistory#length()}. */
  public LagHistory history() {
    return history;
  }

  /** Throughput per topic between the last two snapshots. */
  public Map<String, Throughput.TopicRate> rates() {
    return rates;
  }

  /** The latest read of the dead-letter topics. */
  public DeadLetters deadLetters() {
    return deadLetters;
  }

  /** The latest answer of each role check, in name order. */
  public List<RoleHealth> roles() {
    return roles;
  }

  private void takeSnapshot() {
    LagSnapshot snapshot = monitor.snapshot();
    if (!snapshot.takenAt().isAfter(lastSnapshot)) {
      return;
    }
    lastSnapshot = snapshot.takenAt();
    try {
      Map<String, Throughput.TopicRate> now = throughput.update(snapshot);
      history.add(snapshot, now);
      rates = now;
    } catch (RuntimeException e) {
      // A task that throws is never scheduled again; log and keep the next snapshot coming.
      log.warn("Recording the lag snapshot of {} failed", snapshot.takenAt(), e);
    }
  }

  private void readDeadLetters() {
    try {
      DeadLetters read = deadLetterReader.read();
      Map<String, Long> totals = new HashMap<>();
      read.topics().forEach(t -> totals.put(t.topic(), t.total()));
      deadLetterCounters.set(totals);
      deadLetters = read;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("Reading the dead-letter topics failed; retrying in {}", deadLetterInterval, e);
      deadLetters = deadLetters.failed(clock.instant(), e.getMessage());
    }
  }

  private void runChecks() {
    List<RoleHealth> results = new ArrayList<>();
    checks.keySet().stream()
        .sorted()
        .forEach(
            name -> {
              Instant at = clock.instant();
              try {
                boolean up = checks.get(name).getAsBoolean();
                results.add(new RoleHealth(name, up, up ? null : "check failed", at));
              } catch (RuntimeException e) {
                String why = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
                results.add(new RoleHealth(name, false, why, at));
              }
            });
    roles = List.copyOf(results);
  }

  /** Stops collecting, waits for a running task, and removes the counters. */
  @Override
  public void close() {
    scheduler.shutdownNow();
    try {
      if (!scheduler.awaitTermination(15, TimeUnit.SECONDS)) {
        log.warn("The ops collector did not stop within 15 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throughput.clear();
    deadLetterCounters.clear();
  }
}
