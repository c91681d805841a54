package dev.offload.consumers.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.consumers.dedup.ProcessedEventStore;
import dev.offload.consumers.testing.Databases;
import dev.offload.consumers.testing.KafkaSupport;
import dev.offload.consumers.worker.HandlerBinding;
import dev.offload.consumers.worker.Worker;
import dev.offload.consumers.worker.WorkerOptions;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.Ledger;
import dev.offload.embedded.junit.ProxiedKafka;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network between a worker and Kafka frozen for 30 s mid-stream, five times its session
 * timeout: a TCP proxy that the broker advertises as its address (so every connection the clients
 * make, after bootstrap too, goes through it) stops passing bytes either way while the connections
 * stay open. The broker, on its own, ends the worker's session and its group generation; the
 * worker's database stays reachable, so it goes on handling what it had fetched. After the thaw the
 * same worker, never restarted, rejoins by itself: every good record has its effect exactly once
 * (marks in PostgreSQL skip the redelivered ones), every poison record is dead-lettered, and the
 * group's commits reach the end of every partition (no record abandoned).
 */
@ExtendWith(SharedInfrastructure.class)
class WorkerNetworkFreezeIT {
  private static final Logger log = LoggerFactory.getLogger(WorkerNetworkFreezeIT.class);
  private static final int BEFORE = 200;
  private static final int AFTER = 100;
  private static final int POISON_EVERY = 50;
  private static final Duration FROZEN = Duration.ofSeconds(30);
  private static final Duration SESSION = Duration.ofSeconds(6);

  @Test
  void theWorkerRejoinsByItselfAndHandlesEveryRecordOnce(Infrastructure infra, @TempDir Path dir)
      throws Exception {
    DataSource db = Databases.fresh(infra, "net_freeze");
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE effects (event_id TEXT NOT NULL, value TEXT NOT NULL)");
    }
    try (ProxiedKafka kafka = ProxiedKafka.start(dir.resolve("kafka"))) {
      run(db, kafka.bootstrapServers(), kafka);
    }
  }

  private void run(DataSource db, String bootstrap, ProxiedKafka proxy) throws Exception {
    String topic = TestNames.topic("net-freeze");
    String group = TestNames.group("net-freeze");
    KafkaSupport kafka = new KafkaSupport(bootstrap);
    kafka.createTopic(topic, 3);
    Set<String> good = new HashSet<>();
    Ledger poison = new Ledger();
    kafka.produce(records(topic, 0, BEFORE, good, poison));

    ProcessedEventStore store = ProcessedEventStore.open(db, group);
    AtomicInteger attempts = new AtomicInteger();
    AtomicInteger skipped = new AtomicInteger();
    HandlerBinding<String> binding =
        HandlerBinding.blocking(
            "net-freeze",
            new StringDeserializer(),
            event -> {
              attempts.incrementAndGet();
              if (event.value().startsWith("poison")) {
                throw new IllegalArgumentException("poison record " + event.value());
              }
              String id = event.headers().eventId();
              if (!store.runOnce(id, c -> insertEffect(c, id, event.value()))) {
                skipped.incrementAndGet();
              }
            },
            4);
    WorkerOptions options =
        WorkerOptions.defaults(bootstrap, group, List.of(topic))
            .withCommitInterval(Duration.ofMillis(200))
            .withKafkaProperties(
                Map.of(
                    "session.timeout.ms",
                    Long.toString(SESSION.toMillis()),
                    "heartbeat.interval.ms",
                    Long.toString(SESSION.toMillis() / 3)));
    try (Worker worker = Worker.builder(options, binding).start()) {
      await().atMost(Duration.ofSeconds(60)).until(() -> count(db, "count(*)") >= BEFORE / 10);
      proxy.freeze();
      long effectsWhenFrozen = count(db, "count(*)");
      Thread.sleep(FROZEN.toMillis());
      long effectsAtThaw = count(db, "count(*)");
      assertThat(worker.isRunning()).as("the worker waits out the freeze").isTrue();

      proxy.unfreeze();
      long thawed = System.nanoTime();
      kafka.produce(records(topic, BEFORE, AFTER, good, poison));
      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> count(db, "count(DISTINCT event_id)") >= good.size());
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> Ledger.caughtUp(bootstrap, group, List.of(topic)));
      long caughtUp = System.nanoTime();
      Ledger.Report deadLetters =
          poison.judge(
              Ledger.readToEnd(
                  bootstrap, List.of(Topics.deadLetters(group)), Duration.ofSeconds(30)));
      log.info(
          "Network to Kafka frozen {} s ({} s session): {} effects when it froze, {} at the thaw"
              + " of {} good records; every record handled and committed {} ms after the thaw,"
              + " {} attempts for {} records, {} redelivered ones skipped by their mark;"
              + " dead letters: {}",
          FROZEN.toSeconds(),
          SESSION.toSeconds(),
          effectsWhenFrozen,
          effectsAtThaw,
          good.size(),
          (caughtUp - thawed) / 1_000_000,
          attempts.get(),
          BEFORE + AFTER,
          skipped.get(),
          deadLetters);
      assertThat(distinctEffects(db)).as("every good record's effect").isEqualTo(good);
      assertThat(count(db, "count(*)")).as("each effect once").isEqualTo(good.size());
      assertThat(deadLetters.lost()).as("poison records not dead-lettered").isEmpty();
      assertThat(deadLetters.unexpected()).as("dead letters of good records").isEmpty();
      assertThat(worker.isRunning()).as("the same worker, never restarted").isTrue();
    }
  }

  /** {@code count} records from number {@code from} on, every 50th poison, over 30 keys. */
  private static List<ProducerRecord<byte[], byte[]>> records(
      String topic, int from, int count, Set<String> good, Ledger poison) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      boolean isPoison = i % POISON_EVERY == 7;
      String id = "event-" + i;
      String key = "key-" + (i % 30);
      ProducerRecord<byte[], byte[]> record =
          new ProducerRecord<>(
              topic,
              KafkaSupport.bytes(key),
              KafkaSupport.bytes((isPoison ? "poison-" : "good-") + i));
      record.headers().add(OffloadHeaders.EVENT_ID, KafkaSupport.bytes(id));
      records.add(record);
      if (isPoison) {
        poison.accepted(id, key);
      } else {
        good.add(id);
      }
    }
    return records;
  }

  private static void insertEffect(Connection c, String id, String value) throws SQLException {
    try (PreparedStatement insert =
        c.prepareStatement("INSERT INTO effects (event_id, value) VALUES (?, ?)")) {
      insert.setString(1, id);
      insert.setString(2, value);
      insert.executeUpdate();
    }
    try {
      Thread.sleep(100); // slow enough that the freeze finds records in flight
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted", e);
    }
  }

  private static long count(DataSource db, String what) throws Exception {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT " + what + " FROM effects")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static Set<String> distinctEffects(DataSource db) throws Exception {
    Map<String, Integer> ids = new HashMap<>();
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT event_id FROM effects")) {
      while (rows.next()) {
        ids.merge(rows.getString(1), 1, Integer::sum);
      }
    }
    return ids.keySet();
  }
}
