package dev.offload.consumers.handlers.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.consumers.dedup.ProcessedEventStore;
import dev.offload.consumers.handlers.EventDeserializers;
import dev.offload.consumers.testing.AvroEvents;
import dev.offload.consumers.testing.Databases;
import dev.offload.consumers.testing.KafkaSupport;
import dev.offload.consumers.testing.Meters;
import dev.offload.consumers.worker.Worker;
import dev.offload.consumers.worker.WorkerMetricNames;
import dev.offload.consumers.worker.WorkerOptions;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.BuiltInEventTypes;
import dev.offload.schemas.Topics;
import dev.offload.schemas.events.PageViewed;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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

  private ProducerRecord<byte[], byte[]> view(
      String topic, String user, String path, Instant at, String eventId) {
    PageViewed value = new PageViewed(user, path, null, 1200L);
    return avro.record(topic, null, user, value, eventId, "page-viewed", at);
  }
}
