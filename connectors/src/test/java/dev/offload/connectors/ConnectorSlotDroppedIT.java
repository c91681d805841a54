package dev.offload.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.connectors.OutboxTestSupport.Event;
import dev.offload.connectors.internal.SlotMonitor;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.Ledger;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replication slot dropped under a running connector while events keep being committed: its
 * walsender is terminated ({@code pg_terminate_backend}), the slot dropped ({@code
 * pg_drop_replication_slot}) before Debezium reconnects. Debezium restarts its task after the cut
 * connection; a new slot made then would start after the events committed in between. The connector
 * must instead stop with an error that names the slot, the position capture stopped at, that the
 * events since were not captured, and how to recover; no new slot may exist afterwards; what
 * reached Kafka is every event up to a point in commit order and none after (no gap), and the slot
 * gauge reads 0.
 */
@ExtendWith(SharedInfrastructure.class)
class ConnectorSlotDroppedIT {
  private static final int KEYS = 10;
  private static final int EVENTS_BEFORE = 300;

  @Test
  void aSlotDroppedUnderARunningConnectorStopsItWithWhatWasLost(
      Infrastructure infra, @TempDir Path dir) throws Exception {
    String database = TestNames.database("slot_dropped");
    Path offsets = dir.resolve("connector.offsets");
    ConnectorConfig config = config(infra, database, offsets, Duration.ofSeconds(10));
    String topic = prepare(infra, database, "slot-dropped");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (OutboxConnector connector = OutboxConnector.start(config, registry);
        Writer writer = new Writer(infra, database, topic)) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  writer.ledger.size() >= EVENTS_BEFORE
                      && Files.exists(offsets)
                      && Files.size(offsets) > 0);
      // Everything committed so far reaches Kafka before the slot goes, while writing goes on:
      // these events were captured, whatever happens next.
      int before = writer.ledger.size();
      await().atMost(Duration.ofSeconds(60)).until(() -> delivered(infra, topic).size() >= before);

      terminateAndDrop(infra, database, config.connector().slot());
      int atDrop = writer.ledger.size();

      await()
          .atMost(Duration.ofSeconds(120))
          .failFast("the connector made a new slot", () -> slotCount(infra, database) > 0)
          .until(() -> connector.failure().isPresent());
      int atStop = writer.ledger.size();
      // Committed after the connector stopped: never captured, whatever it had done.
      await().atMost(Duration.ofSeconds(30)).until(() -> writer.ledger.size() >= atStop + 100);
      writer.stop();

      String error = connector.failure().orElseThrow().getMessage();
      assertThat(error)
          .contains("replication slot " + config.connector().slot() + " does not exist")
          .containsPattern("holds the position capture stopped at \\(LSN [0-9A-F]+/[0-9A-F]+\\)")
          .contains("events committed since then were not captured")
          .contains("publish those events again")
          .contains("move " + offsets + " aside");
      assertThat(connector.isRunning()).isFalse();
      assertThat(slotCount(infra, database)).as("no new slot made").isZero();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  registry
                      .get(SlotMonitor.USABLE)
                      .tag("slot", config.connector().slot())
                      .gauge()
                      .value(),
              usable -> usable == 0);

      Ledger.Report report = judge(infra, writer.ledger, topic);
      List<String> order = writer.ledger.entries().stream().map(Ledger.Entry::id).toList();
      Set<String> lost = Set.copyOf(report.lost());
      int firstLost = order.size();
      for (int i = 0; i < order.size(); i++) {
        if (lost.contains(order.get(i))) {
          firstLost = i;
          break;
        }
      }
      System.out.printf(
          "ConnectorSlotDroppedIT: %d events committed (%d by the time the slot was dropped, %d"
              + " while the connector went on, %d after it stopped), %d records on Kafka: every"
              + " event up to the %dth, none after; %d lost (the connector's error reports them),"
              + " %d duplicated, %d out of key order; no new slot; error: %s%n",
          report.accepted(),
          atDrop,
          atStop - atDrop,
          report.accepted() - atStop,
          report.delivered(),
          firstLost,
          lost.size(),
          report.duplicated().size(),
          report.outOfOrder().size(),
          error);
      assertThat(firstLost)
          .as("every event committed before the walsender was cut reached Kafka")
          .isGreaterThanOrEqualTo(before);
      assertThat(order.subList(firstLost, order.size()))
          .as("no event reached Kafka after the first one lost: no new slot carried on")
          .allMatch(lost::contains);
      assertThat(lost).as("the events the error speaks of").isNotEmpty();
      assertThat(report.outOfOrder()).isEmpty();
      assertThat(report.unexpected()).isEmpty();
    }
  }

  /**
   * The slot dropped before the connector stored any position (no event yet, heartbeats far apart):
   * Debezium's own check has no position to compare, so only the connector's knowledge that it
   * streamed from the slot stands between a reconnect and a silent new slot.
   */
  @Test
  void aSlotDroppedBeforeAnyPositionWasStoredStopsTheConnectorToo(
      Infrastructure infra, @TempDir Path dir) throws Exception {
    String database = TestNames.database("slot_dropped_early");
    Path offsets = dir.resolve("connector.offsets");
    ConnectorConfig config = config(infra, database, offsets, Duration.ofHours(1));
    String topic = prepare(infra, database, "slot-dropped-early");
    try (OutboxConnector connector = OutboxConnector.start(config, new SimpleMeterRegistry())) {
      // Dropped once the connector streams from it (its walsender holds it).
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                try (Connection c = OutboxTestSupport.connect(infra, database)) {
                  return OutboxTestSupport.slotActive(c, config.connector().slot());
                }
              });
      assertThat(!Files.exists(offsets) || Files.size(offsets) == 0)
          .as("no position stored yet")
          .isTrue();
      terminateAndDrop(infra, database, config.connector().slot());
      try (Writer writer = new Writer(infra, database, topic)) {
        await()
            .atMost(Duration.ofSeconds(120))
            .failFast("the connector made a new slot", () -> slotCount(infra, database) > 0)
            .until(() -> connector.failure().isPresent());
        writer.stop();
        String error = connector.failure().orElseThrow().getMessage();
        assertThat(error)
            .contains("replication slot " + config.connector().slot() + " does not exist")
            .contains("before it had stored a position")
            .contains("were not captured")
            .contains("start the connector again");
        assertThat(slotCount(infra, database)).as("no new slot made").isZero();
        Ledger.Report report = judge(infra, writer.ledger, topic);
        System.out.printf(
            "ConnectorSlotDroppedIT (no position stored): %d events committed after the drop, %d"
                + " on Kafka; no new slot; error: %s%n",
            report.accepted(), report.delivered(), error);
        assertThat(report.delivered()).isZero();
      }
    }
  }

  /**
   * The slot invalidated under a running connector: with {@code max_slot_wal_keep_size} set,
   * PostgreSQL removes at a checkpoint the WAL a slot holds back beyond it, ends the slot's
   * walsender and marks the slot {@code wal_status lost}. The slot still exists, so Debezium would
   * find it by name; the connector must stop with an error that says it was invalidated, what was
   * lost and how to recover. The server's setting is restored afterwards.
   */
  @Test
  void aSlotInvalidatedUnderARunningConnectorStopsItWithWhatWasLost(
      Infrastructure infra, @TempDir Path dir) throws Exception {
    String database = TestNames.database("slot_invalidated");
    Path offsets = dir.resolve("connector.offsets");
    ConnectorConfig config = config(infra, database, offsets, Duration.ofSeconds(10));
    String slot = config.connector().slot();
    String topic = prepare(infra, database, "slot-invalidated");
    try (OutboxConnector connector = OutboxConnector.start(config, new SimpleMeterRegistry());
        Writer writer = new Writer(infra, database, topic)) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  writer.ledger.size() >= KEYS * 10
                      && Files.exists(offsets)
                      && Files.size(offsets) > 0);
      try (Connection c = OutboxTestSupport.connect(infra, database)) {
        c.setAutoCommit(true);
        try {
          execute(c, "ALTER SYSTEM SET max_slot_wal_keep_size = '1MB'");
          execute(c, "SELECT pg_reload_conf()");
          // Three new WAL segments (the writer keeps each one non-empty) and a checkpoint: the
          // slot, confirmed at most a flush interval ago, now holds back more than 1 MB.
          await()
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(500))
              .until(
                  () -> {
                    for (int i = 0; i < 3; i++) {
                      execute(c, "SELECT pg_switch_wal()");
                      Thread.sleep(20);
                    }
                    execute(c, "CHECKPOINT");
                    return "lost".equals(walStatus(c, slot));
                  });
        } finally {
          execute(c, "ALTER SYSTEM RESET max_slot_wal_keep_size");
          execute(c, "SELECT pg_reload_conf()");
        }
        int atInvalidation = writer.ledger.size();
        await().atMost(Duration.ofSeconds(120)).until(() -> connector.failure().isPresent());
        writer.stop();

        String error = connector.failure().orElseThrow().getMessage();
        assertThat(error)
            .contains("replication slot " + slot + " was invalidated and its WAL removed")
            .containsPattern("holds the position capture stopped at \\(LSN [0-9A-F]+/[0-9A-F]+\\)")
            .contains("events committed since then were not captured")
            .contains("SELECT pg_drop_replication_slot('" + slot + "')")
            .contains("move " + offsets + " aside");
        assertThat(connector.isRunning()).isFalse();
        assertThat(walStatus(c, slot)).as("the same slot, still lost").isEqualTo("lost");
        Ledger.Report report = judge(infra, writer.ledger, topic);
        System.out.printf(
            "ConnectorSlotDroppedIT (slot invalidated): %d events committed (%d when the slot was"
                + " invalidated), %d on Kafka, %d not captured, %d out of key order; error: %s%n",
            report.accepted(),
            atInvalidation,
            report.delivered(),
            report.lost().size(),
            report.outOfOrder().size(),
            error);
        assertThat(report.lost()).as("the events the error speaks of").isNotEmpty();
        assertThat(report.outOfOrder()).isEmpty();
        assertThat(report.unexpected()).isEmpty();
      }
    } finally {
      OutboxTestSupport.dropSlot(infra, database, slot);
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** The slot's {@code wal_status}, or null when it does not exist. */
  private static String walStatus(Connection c, String slot) throws SQLException {
    try (PreparedStatement q =
        c.prepareStatement("SELECT wal_status FROM pg_replication_slots WHERE slot_name = ?")) {
      q.setString(1, slot);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static ConnectorConfig config(
      Infrastructure infra, String database, Path offsets, Duration heartbeat) {
    ConnectorConfig config =
        ConnectorConfig.of(
            infra.bootstrapServers(),
            infra.postgresHost(),
            infra.postgresPort(),
            database,
            infra.postgresUser(),
            infra.postgresPassword(),
            offsets);
    Map<String, String> keys = new HashMap<>(OutboxTestSupport.namedAfter(database));
    keys.put("connector.heartbeat-interval", heartbeat.toMillis() + "ms");
    return config.with(keys);
  }

  private static String prepare(Infrastructure infra, String database, String type)
      throws Exception {
    OutboxTestSupport.createOutboxDatabase(infra, database);
    String topic = Topics.events(TestNames.eventType(type));
    OutboxTestSupport.createTopic(infra.bootstrapServers(), topic);
    return topic;
  }

  /**
   * Terminates the walsender streaming from {@code slot} and drops the slot, again until the drop
   * wins the race with Debezium's reconnect (a slot in use cannot be dropped).
   */
  private static void terminateAndDrop(Infrastructure infra, String database, String slot)
      throws Exception {
    try (Connection c = OutboxTestSupport.connect(infra, database)) {
      c.setAutoCommit(true);
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(
              () -> {
                try (PreparedStatement t =
                    c.prepareStatement(
                        "SELECT pg_terminate_backend(active_pid, 10000) FROM pg_replication_slots"
                            + " WHERE slot_name = ? AND active_pid IS NOT NULL")) {
                  t.setString(1, slot);
                  t.execute();
                }
                try (PreparedStatement d =
                    c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                  d.setString(1, slot);
                  d.execute();
                }
                return true;
              });
    }
  }

  private static long slotCount(Infrastructure infra, String database) throws Exception {
    try (Connection c = OutboxTestSupport.connect(infra, database)) {
      return OutboxTestSupport.slotCount(c, database);
    }
  }

  private static Set<String> delivered(Infrastructure infra, String topic) {
    return Ledger.readToEnd(infra.bootstrapServers(), List.of(topic), Duration.ofSeconds(60))
        .stream()
        .map(Ledger.Output::id)
        .collect(Collectors.toSet());
  }

  private static Ledger.Report judge(Infrastructure infra, Ledger ledger, String topic) {
    return ledger.judge(
        Ledger.readToEnd(infra.bootstrapServers(), List.of(topic), Duration.ofSeconds(60)));
  }

  /** Commits one outbox event per transaction until stopped; the ledger has each once committed. */
  private static final class Writer implements AutoCloseable {
    final Ledger ledger = new Ledger();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Thread thread;

    Writer(Infrastructure infra, String database, String topic) {
      String type = topic.substring(Topics.EVENTS_PREFIX.length());
      thread =
          new Thread(
              () -> {
                long[] seq = new long[KEYS];
                try (Connection c = OutboxTestSupport.connect(infra, database)) {
                  for (int i = 0; running.get(); i++) {
                    int key = i % KEYS;
                    Event event = Event.next(type, "account-" + key, seq[key]++);
                    OutboxTestSupport.publish(c, List.of(event));
                    ledger.accepted(event.id().toString(), event.key());
                    Thread.sleep(1); // paced, leaving CPU to the connector under test
                  }
                } catch (Exception e) {
                  failure.set(e);
                }
              },
              "outbox-writer");
      thread.start();
    }

    void stop() throws Exception {
      running.set(false);
      thread.join(30_000);
      if (failure.get() != null) {
        throw failure.get();
      }
    }

    @Override
    public void close() throws Exception {
      stop();
    }
  }
}
