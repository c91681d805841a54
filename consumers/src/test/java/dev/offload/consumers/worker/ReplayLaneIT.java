package dev.offload.consumers.worker;

import static dev.offload.consumers.testing.KafkaSupport.bytes;
import static dev.offload.consumers.testing.KafkaSupport.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.consumers.dedup.ProcessedEventStore;
import dev.offload.consumers.testing.Databases;
import dev.offload.consumers.testing.KafkaSupport;
import dev.offload.consumers.testing.StrictUtf8;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A worker with a replay lane keeps handling its live topic while a large backlog drains from
 * {@code offload.replay.<group>}, never has more lane records in flight than the lane's share, and
 * skips replayed events whose ids were already processed.
 */
@ExtendWith(SharedInfrastructure.class)
class ReplayLaneIT {
  private static final int MAX_IN_FLIGHT = 8;
  private static final double SHARE = 0.25;
  private static final int LANE_SLOTS = 2;
  private static final int ALREADY_DONE = 40;
  private static final int NEW_IN_LANE = 300;
  private static final int LANE_PER_LIVE = 20;

  @Test
  void liveRecordsKeepFlowingWhileTheLaneDrainsWithinItsShareAndDuplicatesAreSkipped(
      Infrastructure infra) throws Exception {
    DataSource db = Databases.fresh(infra, "lane");
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE effects (event_id TEXT NOT NULL, lane TEXT NOT NULL)");
    }
    String group = TestNames.group("lane");
    String live = Topics.events(TestNames.eventType(group));
    String replay = Topics.replay(group);
    KafkaSupport kafka = new KafkaSupport(infra.bootstrapServers());
    kafka.createTopic(live, 1);
    kafka.createTopic(replay, 1);
    ProcessedEventStore store = ProcessedEventStore.open(db, group);
    for (int i = 0; i < ALREADY_DONE; i++) {
      String id = "done-" + i;
      assertThat(store.runOnce(id, c -> insertEffect(c, id, "earlier"))).isTrue();
    }
    List<ProducerRecord<byte[], byte[]>> backlog = new ArrayList<>();
    for (int i = 0; i < ALREADY_DONE; i++) {
      backlog.add(event(replay, "old-" + i, bytes("v"), "done-" + i));
    }
    for (int i = 0; i < NEW_IN_LANE; i++) {
      backlog.add(event(replay, "new-" + i, bytes("v"), "replayed-" + i));
    }
    kafka.produce(backlog);
    int laneTotal = backlog.size();

    AtomicInteger laneActive = new AtomicInteger();
    AtomicInteger laneMaxActive = new AtomicInteger();
    AtomicInteger laneCalls = new AtomicInteger();
    AtomicInteger laneStarted = new AtomicInteger();
    AtomicInteger liveDuringBackfill = new AtomicInteger();
    AtomicInteger liveCalls = new AtomicInteger();
    HandlerBinding<String> binding =
        HandlerBinding.blocking(
            "lane",
            new StrictUtf8(),
            event -> {
              String id = event.headers().eventId();
              if (event.topic().equals(replay)) {
                int now = laneActive.incrementAndGet();
                laneMaxActive.accumulateAndGet(now, Math::max);
                try {
                  // The lane only moves on while live records keep completing: a lane that took
                  // the live slots would never drain and the test would fail.
                  awaitLive(liveCalls, laneStarted.getAndIncrement() / LANE_PER_LIVE + 1);
                  store.runOnce(id, c -> insertEffect(c, id, "replay"));
                } finally {
                  laneActive.decrementAndGet();
                  laneCalls.incrementAndGet();
                }
              } else {
                store.runOnce(id, c -> insertEffect(c, id, "live"));
                int lane = laneCalls.get();
                if (lane > 0 && lane < laneTotal) {
                  liveDuringBackfill.incrementAndGet();
                }
                liveCalls.incrementAndGet();
              }
            },
            16);

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    WorkerOptions options =
        WorkerOptions.defaults(infra.bootstrapServers(), group, List.of(live))
            .withMaxInFlight(MAX_IN_FLIGHT);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger liveProduced = new AtomicInteger();
    ExecutorService load = Executors.newSingleThreadExecutor();
    try (Worker worker =
        Worker.builder(options, binding).meterRegistry(registry).replayLane(SHARE).start()) {
      Future<?> producer =
          load.submit(
              () -> {
                while (!stop.get()) {
                  List<ProducerRecord<byte[], byte[]>> batch = new ArrayList<>();
                  for (int i = 0; i < 5; i++) {
                    int n = liveProduced.getAndIncrement();
                    batch.add(event(live, "live-" + n, bytes("v"), "live-" + n));
                  }
                  kafka.produce(batch);
                  // About 250 live records a second: a steady stream the worker keeps up with,
                  // so the test measures sharing, not a backlog of its own making.
                  Thread.sleep(20);
                }
                return null;
              });
      await().atMost(Duration.ofSeconds(120)).until(() -> laneCalls.get() == laneTotal);
      stop.set(true);
      producer.get();
      await().atMost(Duration.ofSeconds(60)).until(() -> liveCalls.get() >= liveProduced.get());
      assertThat(worker.laneInFlight()).isZero();
    } finally {
      load.shutdownNow();
    }

    assertThat(liveDuringBackfill.get())
        .as("live records handled during the backfill")
        .isPositive();
    assertThat(laneMaxActive.get()).as("lane records at once").isBetween(1, LANE_SLOTS);
    assertThat(Worker.Builder.laneSlots(SHARE, MAX_IN_FLIGHT)).isEqualTo(LANE_SLOTS);
    assertThat(handled(registry, "replay")).isEqualTo(laneTotal);
    assertThat(handled(registry, "live")).isGreaterThanOrEqualTo(liveProduced.get());
    assertThat(count(db, "SELECT count(*) FROM effects WHERE event_id LIKE 'done-%'"))
        .as("already processed ids have no second effect")
        .isEqualTo(ALREADY_DONE);
    assertThat(count(db, "SELECT count(*) FROM effects WHERE lane = 'replay'"))
        .isEqualTo(NEW_IN_LANE);
    assertThat(count(db, "SELECT count(*) - count(DISTINCT event_id) FROM effects")).isZero();
  }

  /** Waits until {@code live} reaches {@code target}; fails the attempt after a minute. */
  private static void awaitLive(AtomicInteger live, int target) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(1))
        .until(() -> live.get() >= target);
  }

  private static double handled(SimpleMeterRegistry registry, String lane) {
    Counter c = registry.find(WorkerMetricNames.HANDLED).tag("lane", lane).counter();
    return c == null ? -1 : c.count();
  }

  private static void insertEffect(Connection c, String eventId, String lane) throws SQLException {
    try (PreparedStatement insert =
        c.prepareStatement("INSERT INTO effects (event_id, lane) VALUES (?, ?)")) {
      insert.setString(1, eventId);
      insert.setString(2, lane);
      insert.executeUpdate();
    }
  }

  private static long count(DataSource db, String sql) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
