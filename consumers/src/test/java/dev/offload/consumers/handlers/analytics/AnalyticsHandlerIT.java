package dev.offload.consumers.handlers.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.offload.consumers.database.DatabasePool;
import dev.offload.consumers.dedup.ProcessedEventStore;
import dev.offload.consumers.handlers.EventDeserializers;
import dev.offload.consumers.testing.AvroEvents;
import dev.offload.consumers.testing.Databases;
import dev.offload.consumers.testing.KafkaSupport;
import dev.offload.consumers.testing.Meters;
import dev.offload.consumers.worker.Event;
import dev.offload.consumers.worker.EventHeaders;
import dev.offload.consumers.worker.HandlerBinding;
import dev.offload.consumers.worker.Worker;
import dev.offload.consumers.worker.WorkerMetricNames;
import dev.offload.consumers.worker.WorkerOptions;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.BuiltInEventTypes;
import dev.offload.schemas.HeaderValues;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import dev.offload.schemas.events.PageViewed;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** page-viewed events roll up per path per minute in PostgreSQL, duplicates counted once. */
@ExtendWith(SharedInfrastructure.class)
class AnalyticsHandlerIT {
  private static final Instant T0 = Instant.parse("2030-03-04T10:15:00Z");

  private final AvroEvents avro = new AvroEvents();

  @Test
  void countsPerPathPerMinuteEqualTheEventsAndDuplicatesAreNotCountedTwice(Infrastructure infra)
      throws Exception {
    String topic = Topics.events(TestNames.eventType("views"));
    String group = TestNames.group("analytics");
    KafkaSupport kafka = new KafkaSupport(infra.bootstrapServers());
    kafka.createTopic(topic, 3);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      records.add(view(topic, "user-" + (i % 5), "/home", T0.plusSeconds(i * 4), "home-" + i));
    }
    for (int i = 0; i < 5; i++) {
      records.add(view(topic, "user-" + i, "/docs", T0.plusSeconds(59 + i), "docs-" + i));
    }
    for (int i = 0; i < 4; i++) {
      records.add(view(topic, "user-" + (i % 5), "/home", T0.plusSeconds(i * 4), "home-" + i));
    }
    kafka.produce(records);

    DataSource db = Databases.fresh(infra, "analytics");
    PageAnalytics analytics = PageAnalytics.open(db);
    ProcessedEventStore store = ProcessedEventStore.open(db, group);
    var binding =
        AnalyticsHandler.binding(
            analytics,
            store,
            EventDeserializers.avro(avro.registry(), BuiltInEventTypes.PAGE_VIEWED));
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    WorkerOptions options = WorkerOptions.defaults(infra.bootstrapServers(), group, List.of(topic));
    try (Worker worker = Worker.builder(options, binding).meterRegistry(meters).start()) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Meters.count(meters, WorkerMetricNames.HANDLED) == records.size());
    }

    Instant minute = T0;
    Instant next = T0.plusSeconds(60);
    assertThat(analytics.counts(T0, T0.plusSeconds(120)))
        .containsExactly(
            new PageCount("/docs", minute, 1),
            new PageCount("/home", minute, 12),
            new PageCount("/docs", next, 4));
    assertThat(analytics.counts(next, next.plusSeconds(60)))
        .containsExactly(new PageCount("/docs", next, 4));
  }

  @Test
  void aPoisonRecordInsideABatchIsDeadLetteredAloneAndTheRestOfTheBatchCounts(Infrastructure infra)
      throws Exception {
    String topic = Topics.events(TestNames.eventType("views-poison"));
    String group = TestNames.group("analytics-poison");
    KafkaSupport kafka = new KafkaSupport(infra.bootstrapServers());
    kafka.createTopic(topic, 1);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      records.add(view(topic, "user-" + i, "/batch", T0.plusSeconds(i % 50), "ok-" + i));
      if (i == 100) {
        records.add(avro.record(topic, null, "user-x", null, "poison", "page-viewed", T0));
      }
    }
    kafka.produce(records);

    DataSource db = Databases.fresh(infra, "analyticspoison");
    PageAnalytics analytics = PageAnalytics.open(db);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    WorkerOptions options = WorkerOptions.defaults(infra.bootstrapServers(), group, List.of(topic));
    try (Worker worker =
        Worker.builder(options, binding(analytics, ProcessedEventStore.open(db, group)))
            .meterRegistry(meters)
            .start()) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Meters.count(meters, WorkerMetricNames.HANDLED) == 200);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Meters.count(meters, WorkerMetricNames.DEAD_LETTERED) == 1);
      assertThat(meters.get(WorkerMetricNames.BATCH_SIZE).summary().max())
          .as("records were handled in batches of more than one")
          .isGreaterThan(1);
    }
    var letters = kafka.readAll(Topics.deadLetters(group), 1);
    assertThat(letters).hasSize(1);
    assertThat(HeaderValues.text(letters.get(0).headers(), OffloadHeaders.EVENT_ID))
        .isEqualTo("poison");
    assertThat(analytics.counts(T0, T0.plusSeconds(60)))
        .containsExactly(new PageCount("/batch", T0, 200));
  }

  @Test
  void aBatchDeliveredAgainIsNotCountedAgain(Infrastructure infra) throws Exception {
    DataSource db = Databases.fresh(infra, "analyticsagain");
    PageAnalytics analytics = PageAnalytics.open(db);
    AnalyticsHandler handler =
        new AnalyticsHandler(
            analytics, ProcessedEventStore.open(db, "again"), java.time.Clock.systemUTC());
    List<Event<PageViewed>> first = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      first.add(event("id-" + i, i % 3 == 0 ? "/a" : "/b", T0.plusSeconds(i)));
    }
    handler.handleBatch(first);
    List<Event<PageViewed>> overlapping = new ArrayList<>(first.subList(20, 30));
    for (int i = 30; i < 35; i++) {
      overlapping.add(event("id-" + i, "/a", T0.plusSeconds(i)));
    }
    handler.handleBatch(overlapping);
    handler.handleBatch(first);

    assertThat(analytics.counts(T0, T0.plusSeconds(60)))
        .containsExactly(new PageCount("/a", T0, 15), new PageCount("/b", T0, 20));
  }

  @Test
  void aWorkerWhosePoolIsExhaustedWaitsAndFailsNothing(Infrastructure infra) throws Exception {
    String topic = Topics.events(TestNames.eventType("views-pool"));
    String group = TestNames.group("analytics-pool");
    KafkaSupport kafka = new KafkaSupport(infra.bootstrapServers());
    kafka.createTopic(topic, 2);
    String url = infra.createDatabase(TestNames.database("analyticspool"));
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (HikariDataSource pool =
        DatabasePool.open(
            url, infra.postgresUser(), infra.postgresPassword(), 1, "test-pool", meters)) {
      PageAnalytics analytics = PageAnalytics.open(pool);
      ProcessedEventStore store = ProcessedEventStore.open(pool, group);
      List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        records.add(view(topic, "user-" + (i % 40), "/pool", T0.plusSeconds(i % 60), "p-" + i));
      }
      WorkerOptions options =
          WorkerOptions.defaults(infra.bootstrapServers(), group, List.of(topic));
      try (Connection held = pool.getConnection();
          Worker worker =
              Worker.builder(options, binding(analytics, store)).meterRegistry(meters).start()) {
        kafka.produce(records);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> meters.get(WorkerMetricNames.IN_FLIGHT).gauge().value() > 0);
        // The only connection stays taken for a while: the batches wait for it, failing nothing.
        await()
            .during(Duration.ofSeconds(3))
            .atMost(Duration.ofSeconds(5))
            .until(
                () ->
                    Meters.count(meters, WorkerMetricNames.HANDLED) == 0
                        && Meters.count(meters, WorkerMetricNames.FAILED) == 0);
        held.close();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> Meters.count(meters, WorkerMetricNames.HANDLED) == 300);
        assertThat(Meters.count(meters, WorkerMetricNames.FAILED)).isZero();
        assertThat(Meters.count(meters, WorkerMetricNames.DEAD_LETTERED)).isZero();
      }
      assertThat(analytics.counts(T0, T0.plusSeconds(60)))
          .containsExactly(new PageCount("/pool", T0, 300));
    }
  }

  private HandlerBinding<PageViewed> binding(PageAnalytics analytics, ProcessedEventStore store) {
    return AnalyticsHandler.binding(
        analytics, store, EventDeserializers.avro(avro.registry(), BuiltInEventTypes.PAGE_VIEWED));
  }

  private static Event<PageViewed> event(String id, String path, Instant at) {
    var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
    headers.add(OffloadHeaders.EVENT_ID, id.getBytes(StandardCharsets.UTF_8));
    headers.add(OffloadHeaders.OCCURRED_AT, at.toString().getBytes(StandardCharsets.UTF_8));
    return new Event<>(
        "u", new PageViewed("u", path, null, 1L), EventHeaders.from(headers, 1), "t", 0, 0L);
  }

  private ProducerRecord<byte[], byte[]> view(
      String topic, String user, String path, Instant at, String eventId) {
    PageViewed value = new PageViewed(user, path, null, 1200L);
    return avro.record(topic, null, user, value, eventId, "page-viewed", at);
  }
}
