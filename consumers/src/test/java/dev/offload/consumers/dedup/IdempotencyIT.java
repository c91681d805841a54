package dev.offload.consumers.dedup;

import static dev.offload.consumers.testing.KafkaSupport.bytes;
import static dev.offload.consumers.testing.KafkaSupport.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.offload.consumers.retry.RetryableException;
import dev.offload.consumers.testing.KafkaSupport;
import dev.offload.consumers.testing.Meters;
import dev.offload.consumers.testing.StrictUtf8;
import dev.offload.consumers.worker.HandlerBinding;
import dev.offload.consumers.worker.Worker;
import dev.offload.consumers.worker.WorkerMetricNames;
import dev.offload.consumers.worker.WorkerOptions;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

/** The same event delivered twice has its effect once, with the marks in the real PostgreSQL. */
@ExtendWith(SharedInfrastructure.class)
class IdempotencyIT {

  @Test
  void aDatabaseEffectAndItsMarkCommitTogetherSoARedeliveredEventSkips(Infrastructure infra)
      throws Exception {
    DataSource db = database(infra);
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE effects (event_id TEXT NOT NULL, value TEXT NOT NULL)");
    }
    String group = TestNames.group("dedup-db");
    ProcessedEventStore store = ProcessedEventStore.open(db, group);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    HandlerBinding<String> binding =
        HandlerBinding.blocking(
            "dedup-db",
            new StrictUtf8(),
            event ->
                store.runOnce(
                    event.headers().eventId(), c -> insertEffect(c, event.headers().eventId())),
            4);

    runWorker(infra, group, binding, registry);

    assertThat(query(db, "SELECT count(*) FROM effects")).isEqualTo(6);
    assertThat(query(db, "SELECT count(DISTINCT event_id) FROM effects")).isEqualTo(6);
    assertThat(store.isProcessed("id-0")).isTrue();
    assertThat(ProcessedEventStore.open(db, "another-group").isProcessed("id-0")).isFalse();
  }

  @Test
  void anExternalEffectGuardedByCheckAndMarkHappensOncePerEventId(Infrastructure infra)
      throws Exception {
    DataSource db = database(infra);
    String group = TestNames.group("dedup-ext");
    ProcessedEventStore store = ProcessedEventStore.open(db, group);
    AtomicInteger mails = new AtomicInteger();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    HandlerBinding<String> binding =
        HandlerBinding.blocking(
            "dedup-ext", new StrictUtf8(), store.idempotent(event -> mails.incrementAndGet()), 4);

    runWorker(infra, group, binding, registry);

    assertThat(mails).hasValue(6);
  }

  @Test
  void aConcurrentDuplicateWaitsForTheFirstAndAFailedEffectRollsItsMarkBack(Infrastructure infra)
      throws Exception {
    ProcessedEventStore store = ProcessedEventStore.open(database(infra), "concurrent");
    assertThatThrownBy(
            () ->
                store.runOnceAround(
                    "e1",
                    () -> {
                      throw new RetryableException("smtp down");
                    }))
        .isInstanceOf(RetryableException.class);
    assertThat(store.isProcessed("e1")).as("rolled back").isFalse();

    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger effects = new AtomicInteger();
    CompletableFuture<Boolean> first =
        CompletableFuture.supplyAsync(
            () ->
                once(
                    store,
                    () -> {
                      inside.countDown();
                      assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
                      effects.incrementAndGet();
                    }));
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Boolean> second =
        CompletableFuture.supplyAsync(() -> once(store, effects::incrementAndGet));
    await().during(Duration.ofMillis(300)).until(() -> !second.isDone());
    release.countDown();

    assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(second.get(10, TimeUnit.SECONDS)).isFalse();
    assertThat(effects).hasValue(1);
  }

  /** Five events, the same five again, and one more: six distinct ids in eleven records. */
  private static void runWorker(
      Infrastructure infra, String group, HandlerBinding<String> binding, SimpleMeterRegistry r)
      throws Exception {
    KafkaSupport kafka = new KafkaSupport(infra.bootstrapServers());
    String topic = Topics.events(TestNames.eventType(group));
    kafka.createTopic(topic, 1);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 5; i++) {
        records.add(event(topic, "user-" + i, bytes("v" + i), "id-" + i));
      }
    }
    records.add(event(topic, "user-9", bytes("v9"), "id-9"));
    kafka.produce(records);
    WorkerOptions options = WorkerOptions.defaults(infra.bootstrapServers(), group, List.of(topic));
    try (Worker worker = Worker.builder(options, binding).meterRegistry(r).start()) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Meters.count(r, WorkerMetricNames.HANDLED) == 11);
    }
  }

  private static boolean once(ProcessedEventStore store, ExternalEffect effect) {
    try {
      return store.runOnceAround("e2", effect);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void insertEffect(Connection c, String eventId) throws SQLException {
    try (PreparedStatement insert =
        c.prepareStatement("INSERT INTO effects (event_id, value) VALUES (?, 'sent')")) {
      insert.setString(1, eventId);
      insert.executeUpdate();
    }
  }

  private static long query(DataSource db, String sql) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static DataSource database(Infrastructure infra) {
    String name = TestNames.database("dedup");
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(infra.createDatabase(name));
    ds.setUser(infra.postgresUser());
    ds.setPassword(infra.postgresPassword());
    return ds;
  }
}
