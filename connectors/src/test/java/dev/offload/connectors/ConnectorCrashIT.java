package dev.offload.connectors;

import static dev.offload.connectors.OutboxTestSupport.Event;
import static dev.offload.connectors.OutboxTestSupport.Received;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Kills the connector process with SIGKILL while events are being written, restarts it on the same
 * offset file and slot, and checks that every committed event reached Kafka.
 */
@ExtendWith(SharedInfrastructure.class)
class ConnectorCrashIT {
  private static final Duration FLUSH_INTERVAL =
      ConnectorConfig.LOADER.defaults(Map.of()).connector().offsetFlushInterval();
  private static final int KEYS = 20;
  private static final int EVENTS_PER_PHASE = 1_500;

  private ConnectorChildren children;

  @AfterEach
  void killChildren() {
    if (children != null) {
      children.close();
    }
  }

  @Test
  void everyCommittedEventArrivesAfterAHardKill(Infrastructure infra) throws Exception {
    String database = TestNames.database("connector_crash");
    OutboxTestSupport.createOutboxDatabase(infra, database);
    String type = TestNames.eventType("payment-captured");
    OutboxTestSupport.createTopic(infra.bootstrapServers(), Topics.events(type));
    Path dir = Files.createDirectories(Path.of("target", "connector-crash-it", database));
    children =
        new ConnectorChildren(infra, database, dir.resolve("connector.offsets"), FLUSH_INTERVAL);

    Process first = children.start(dir.resolve("connector-1.log"));
    Writer writer = new Writer(infra, database, type);
    Instant writingFrom = Instant.now();
    writer.start();
    // Kill mid-stream, after the first connector has flushed its position a few times.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                writer.accepted() >= EVENTS_PER_PHASE
                    && Instant.now().isAfter(writingFrom.plus(FLUSH_INTERVAL.multipliedBy(3))));

    assertThat(first.destroyForcibly().waitFor(30, TimeUnit.SECONDS)).as("SIGKILLed").isTrue();
    Instant killedAt = Instant.now();
    int acceptedAtKill = writer.accepted();

    Process second = children.start(dir.resolve("connector-2.log"));
    int acceptedAtRestart = writer.accepted();
    Instant restartedAt = Instant.now();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> writer.accepted() >= acceptedAtRestart + EVENTS_PER_PHASE);
    Map<String, Instant> committed = writer.stop();
    Instant stoppedAt = Instant.now();

    List<Received> received =
        OutboxTestSupport.readUntil(
            infra.bootstrapServers(),
            Topics.events(type),
            Duration.ofSeconds(90),
            r -> distinctIds(r).containsAll(committed.keySet()));
    Instant caughtUpAt = Instant.now();
    second.destroy();
    assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("graceful stop on SIGTERM").isTrue();

    Set<String> ids = distinctIds(received);
    Set<String> missing = new HashSet<>(committed.keySet());
    missing.removeAll(ids);
    Set<String> unknown = new HashSet<>(ids);
    unknown.removeAll(committed.keySet());
    assertThat(missing).as("committed events missing from Kafka").isEmpty();
    assertThat(unknown).as("events on Kafka that were never committed").isEmpty();
    assertFirstDeliveriesInOrderPerKey(received);

    Map<String, Long> firstDelivery = new HashMap<>();
    Set<String> duplicated = new HashSet<>();
    for (Received r : received) {
      if (firstDelivery.putIfAbsent(r.eventId(), r.timestamp()) != null) {
        duplicated.add(r.eventId());
      }
    }
    int duplicates = received.size() - ids.size();
    System.out.printf(
        "ConnectorCrashIT: %d events committed (%d before the kill, %d while restarting),"
            + " %d records on Kafka, %d duplicates (%d distinct events re-delivered); wrote for %s"
            + " before the kill, restart took %s, wrote %s more, caught up %s after the writer"
            + " stopped%n",
        committed.size(),
        acceptedAtKill,
        acceptedAtRestart - acceptedAtKill,
        received.size(),
        duplicates,
        duplicated.size(),
        Duration.between(writingFrom, killedAt),
        Duration.between(killedAt, restartedAt),
        Duration.between(restartedAt, stoppedAt),
        Duration.between(stoppedAt, caughtUpAt));

    // The bound. The killed connector had recorded (flushed) the position of everything it sent
    // up to its last offset flush; flushes happen at the end of a batch once offsetFlushInterval
    // has passed, so at most offsetFlushInterval plus one batch before the kill. Only what it sent
    // after that flush is sent again. We allow one more interval for the batch and scheduling
    // on this 2-core machine: every re-delivered event was first sent within 2 x interval of the
    // kill (the record timestamp is the producer's send time), and the count of duplicates is at
    // most the events committed in that window plus a further second of capture latency.
    Duration window = FLUSH_INTERVAL.multipliedBy(2);
    long windowStart = killedAt.minus(window).toEpochMilli();
    assertThat(duplicated)
        .as("re-delivered events were first sent within %s before the kill", window)
        .allSatisfy(id -> assertThat(firstDelivery.get(id)).isGreaterThanOrEqualTo(windowStart));
    long committedInWindow =
        committed.values().stream()
            .filter(t -> !t.isBefore(killedAt.minus(window).minusSeconds(1)))
            .filter(t -> !t.isAfter(killedAt))
            .count();
    assertThat(duplicates).isLessThanOrEqualTo((int) committedInWindow);

    OutboxTestSupport.dropSlot(infra, database, database);
  }

  private static Set<String> distinctIds(List<Received> received) {
    Set<String> ids = new HashSet<>();
    received.forEach(r -> ids.add(r.eventId()));
    return ids;
  }

  /** Re-delivery repeats a suffix; the first time each event arrives, its key's order holds. */
  private static void assertFirstDeliveriesInOrderPerKey(List<Received> received) {
    Set<String> seen = new HashSet<>();
    Map<String, Long> lastSeq = new HashMap<>();
    for (Received r : received) {
      if (seen.add(r.eventId())) {
        Long previous = lastSeq.put(r.key(), r.seq());
        if (previous != null) {
          assertThat(r.seq()).as("order of key %s", r.key()).isGreaterThan(previous);
        }
      }
    }
  }

  /** Writes one event per transaction until stopped; an event is accepted once committed. */
  private static final class Writer {
    private final Map<String, Instant> committed = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Thread thread;

    Writer(Infrastructure infra, String database, String type) {
      thread =
          new Thread(
              () -> {
                long[] seq = new long[KEYS];
                try (Connection c = OutboxTestSupport.connect(infra, database)) {
                  for (int i = 0; running.get(); i++) {
                    int key = i % KEYS;
                    Event event = Event.next(type, "account-" + key, seq[key]++);
                    OutboxTestSupport.publish(c, List.of(event));
                    committed.put(event.id().toString(), Instant.now());
                  }
                } catch (Exception e) {
                  failure.set(e);
                }
              },
              "outbox-writer");
    }

    void start() {
      thread.start();
    }

    int accepted() {
      if (failure.get() != null) {
        throw new IllegalStateException("writer failed", failure.get());
      }
      return committed.size();
    }

    /** Stops writing and returns every committed event id with its commit time. */
    Map<String, Instant> stop() throws Exception {
      running.set(false);
      thread.join(TimeUnit.SECONDS.toMillis(30));
      if (failure.get() != null) {
        throw failure.get();
      }
      return Map.copyOf(committed);
    }
  }
}
