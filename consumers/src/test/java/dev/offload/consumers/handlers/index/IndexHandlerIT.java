package dev.offload.consumers.handlers.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.consumers.handlers.EventDeserializers;
import dev.offload.consumers.testing.AvroEvents;
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
import dev.offload.schemas.events.DocumentChanged;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** document-changed events keep an on-disk Lucene index in step: upserts, updates, deletes. */
@ExtendWith(SharedInfrastructure.class)
class IndexHandlerIT {
  private final AvroEvents avro = new AvroEvents();

  @Test
  void upsertsUpdatesAndDeletesAreSearchableWithHighlights(Infrastructure infra, @TempDir Path dir)
      throws Exception {
    String topic = Topics.events(TestNames.eventType("docs"));
    String group = TestNames.group("index");
    KafkaSupport kafka = new KafkaSupport(infra.bootstrapServers());
    kafka.createTopic(topic, 2);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    records.add(doc(topic, "d1", "Kafka basics", "Partitions give order per key.", false));
    records.add(doc(topic, "d2", "Lucene notes", "Highlighting marks the matched terms.", false));
    records.add(doc(topic, "d3", "Draft", "A short-lived draft about highlighting.", false));
    records.add(doc(topic, "d1", "Kafka in depth", "Consumer groups scale the workers.", false));
    records.add(doc(topic, "d3", "Draft", "", true));
    records.add(doc(topic, "d3", "Draft", "", true)); // deleting twice changes nothing
    kafka.produce(records);

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    SearchIndexConfig config = SearchIndexConfig.defaults(dir.resolve("index"));
    try (SearchIndex index = SearchIndex.open(config)) {
      var binding =
          IndexHandler.binding(
              index, EventDeserializers.avro(avro.registry(), BuiltInEventTypes.DOCUMENT_CHANGED));
      WorkerOptions options =
          WorkerOptions.defaults(infra.bootstrapServers(), group, List.of(topic));
      try (Worker worker = Worker.builder(options, binding).meterRegistry(meters).start()) {
        // the worker acknowledges a change only after the commit that makes it searchable
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> Meters.count(meters, WorkerMetricNames.HANDLED) == records.size());
      }
      assertThat(index.count()).isEqualTo(2);
      assertThat(index.search("draft", 10)).isEmpty();
      assertThat(index.search("basics", 10)).as("the old title of d1 is gone").isEmpty();

      List<SearchHit> hits = index.search("consumer workers", 10);
      assertThat(hits).extracting(SearchHit::id).containsExactly("d1");
      assertThat(hits.get(0).title()).isEqualTo("Kafka in depth");
      assertThat(hits.get(0).score()).isPositive();
      assertThat(hits.get(0).highlights())
          .anySatisfy(
              f -> assertThat(f).contains("<em>Consumer</em>").contains("<em>workers</em>"));

      assertThat(index.search("highlighting", 10))
          .singleElement()
          .satisfies(
              hit -> {
                assertThat(hit.id()).isEqualTo("d2");
                assertThat(hit.highlights())
                    .containsExactly("<em>Highlighting</em> marks the matched terms.");
              });
    }
    try (SearchIndex reopened =
        SearchIndex.open(SearchIndexConfig.defaults(dir.resolve("index")))) {
      assertThat(reopened.count()).as("committed to disk").isEqualTo(2);
      assertThat(reopened.search("title:kafka", 5)).extracting(SearchHit::id).containsExactly("d1");
    }
  }

  private ProducerRecord<byte[], byte[]> doc(
      String topic, String id, String title, String body, boolean deleted) {
    DocumentChanged value = new DocumentChanged(id, title, body, List.of("t"), deleted);
    return avro.record(
        topic, null, id, value, UUID.randomUUID().toString(), "document-changed", Instant.now());
  }
}
