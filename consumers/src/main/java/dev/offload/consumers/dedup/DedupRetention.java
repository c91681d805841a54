package dev.offload.consumers.dedup;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the processed-event marks of a worker's group from growing forever: every {@code interval}
 * (the first time at once) it deletes the marks older than {@code retention} and counts what is
 * left. A mark only has to outlive the redeliveries it guards against (a replay of older records is
 * then handled again), so the retention should exceed the topics' retention or the longest replay
 * you run.
 *
 * <p>Meters, tagged {@code group}: gauge {@value #MARKS} (marks held, as of the last run) and
 * counter {@value #PURGED} (marks deleted).
 */
public final class DedupRetention implements AutoCloseable {
  /** Gauge: the group's processed-event marks, counted at each run. */
  public static final String MARKS = "offload.dedup.marks";

  /** Counter: marks deleted as older than the retention. */
  public static final String PURGED = "offload.dedup.purged";

  /** Default retention of a mark. */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

  /** Default time between two purges. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(10);

  private static final Logger log = LoggerFactory.getLogger(DedupRetention.class);

  private final List<ProcessedEventStore> stores;
  private final Duration retention;
  private final Clock clock;
  private final ScheduledExecutorService timer;
  private final List<AtomicLong> marks;
  private final List<Counter> purged;

  private DedupRetention(
      List<ProcessedEventStore> stores, Duration retention, Clock clock, MeterRegistry registry) {
    this.stores = List.copyOf(stores);
    this.retention = retention;
    this.clock = clock;
    this.marks = this.stores.stream().map(s -> new AtomicLong()).toList();
    this.purged =
        this.stores.stream()
            .map(
                s ->
                    Counter.builder(PURGED)
                        .description("Processed-event marks deleted as older than the retention")
                        .tag("group", s.group())
                        .register(registry))
            .toList();
    for (int i = 0; i < this.stores.size(); i++) {
      Gauge.builder(MARKS, marks.get(i), AtomicLong::get)
          .description("Processed-event marks held, as of the last purge")
          .tag("group", this.stores.get(i).group())
          .register(registry);
    }
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "offload-dedup-retention");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Purges {@code stores} every {@code interval}, the first time at once, deleting marks older than
   * {@code retention}.
   */
  public static DedupRetention start(
      List<ProcessedEventStore> stores,
      Duration retention,
      Duration interval,
      MeterRegistry registry) {
    return start(stores, retention, interval, registry, Clock.systemUTC());
  }

  /** As the other start, with the clock that dates the cutoff. */
  public static DedupRetention start(
      List<ProcessedEventStore> stores,
      Duration retention,
      Duration interval,
      MeterRegistry registry,
      Clock clock) {
    requirePositive(retention, "dedup.retention");
    requirePositive(interval, "dedup.purge-interval");
    DedupRetention purger =
        new DedupRetention(stores, retention, Objects.requireNonNull(clock, "clock"), registry);
    purger.timer.scheduleWithFixedDelay(
        purger::runQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return purger;
  }

  /** Deletes the marks older than the retention and counts those left; returns how many went. */
  public int runNow() throws SQLException {
    int deleted = 0;
    for (int i = 0; i < stores.size(); i++) {
      ProcessedEventStore store = stores.get(i);
      int n = store.purgeProcessedBefore(clock.instant().minus(retention));
      purged.get(i).increment(n);
      marks.get(i).set(store.count());
      if (n > 0) {
        log.info(
            "Deleted {} processed-event marks of {} older than {}", n, store.group(), retention);
      }
      deleted += n;
    }
    return deleted;
  }

  private void runQuietly() {
    try {
      runNow();
    } catch (SQLException | RuntimeException e) {
      log.warn("Could not purge processed-event marks; trying again later: {}", e.toString());
    }
  }

  private static void requirePositive(Duration d, String field) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(field + " must be positive, was " + d);
    }
  }

  /** Stops purging. */
  @Override
  public void close() {
    timer.shutdownNow();
  }
}
