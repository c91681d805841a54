package dev.offload.consumers.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.consumers.handlers.EventDeserializers;
import dev.offload.consumers.testing.KafkaSupport;
import dev.offload.consumers.testing.Meters;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.Ports;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.embedded.registry.RegistryServerConfig;
import dev.offload.embedded.registry.SchemaRegistryServer;
import dev.offload.schemas.BuiltInEventTypes;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import dev.offload.schemas.events.PageViewed;
import dev.offload.schemas.registry.RegistryClient;
import dev.offload.schemas.registry.RegistryClientConfig;
import dev.offload.schemas.serde.AvroSerializer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A schema registry that does not answer for 30 s holds the records whose schema a worker has not
 * cached, as a sink that is down does: none is dead-lettered, and each is handled once the registry
 * is back.
 */
@ExtendWith(SharedInfrastructure.class)
class RegistryOutageIT {
  private static final int EVENTS = 20;
  private static final Duration OUTAGE = Duration.ofSeconds(30);

  @Test
  void recordsWaitForTheRegistryInsteadOfGoingToTheDeadLetterTopic(Infrastructure infra)
      throws Exception {
    String bootstrap = infra.bootstrapServers();
    String topic = TestNames.topic("registry-outage");
    String group = TestNames.group("registry-outage");
    KafkaSupport kafka = new KafkaSupport(bootstrap);
    kafka.createTopic(topic, 3);
    int port = Ports.freePort();
    RegistryServerConfig registryConfig =
        RegistryServerConfig.builder(bootstrap)
            .port(port)
            .topic(TestNames.topic("schemas"))
            .build();
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (SchemaRegistryServer registry = SchemaRegistryServer.start(registryConfig);
        var serializer =
            new AvroSerializer<PageViewed>(
                new RegistryClient(RegistryClientConfig.of(registry.url())))) {
      for (int i = 0; i < EVENTS; i++) {
        PageViewed view = new PageViewed("user-" + i, "/outage/" + i, null, 10L);
        var record = KafkaSupport.event(topic, "user-" + i, serializer.serialize(topic, view));
        record.headers().add(OffloadHeaders.EVENT_TYPE, utf8(BuiltInEventTypes.PAGE_VIEWED.type()));
        records.add(record);
      }
    }
    long down = System.nanoTime(); // the registry stopped as its try block ended
    kafka.produce(records);

    // The registry is down: the worker's deserializer has nothing cached and cannot fetch the
    // schema.
    Set<String> handled = ConcurrentHashMap.newKeySet();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RegistryClient client =
        new RegistryClient(
            RegistryClientConfig.builder("http://127.0.0.1:" + port)
                .maxRetries(0)
                .retryBackoff(Duration.ofMillis(10))
                .retryBackoffMax(Duration.ofMillis(10))
                .build());
    HandlerBinding<PageViewed> binding =
        HandlerBinding.async(
            "views",
            EventDeserializers.avroOfEventType(client, BuiltInEventTypes.PAGE_VIEWED),
            e -> {
              handled.add(e.value().getPath().toString());
              return CompletableFuture.completedFuture(null);
            });
    WorkerOptions options =
        WorkerOptions.defaults(bootstrap, group, List.of(topic))
            .withCommitInterval(Duration.ofMillis(100));
    try (Worker worker = Worker.builder(options, binding).meterRegistry(meters).start()) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Meters.count(meters, WorkerMetricNames.REGISTRY_HELD) >= EVENTS);
      // The outage lasts OUTAGE in all: the worker keeps checking again, never giving up on them.
      Thread.sleep(Math.max(0, OUTAGE.toMillis() - (System.nanoTime() - down) / 1_000_000));
      assertThat(handled).isEmpty();
      assertThat(Meters.count(meters, WorkerMetricNames.DEAD_LETTERED)).isZero();

      try (SchemaRegistryServer back = SchemaRegistryServer.start(registryConfig)) {
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(() -> assertThat(handled).hasSize(EVENTS));
      }
      assertThat(Meters.count(meters, WorkerMetricNames.DEAD_LETTERED)).isZero();
    }
    assertThat(endOffsets(bootstrap, Topics.deadLetters(group)))
        .as("records on the dead-letter topic")
        .isZero();
  }

  private static long endOffsets(String bootstrap, String topic) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      partitions
          .partitions()
          .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      long sum = 0;
      for (var end : admin.listOffsets(latest).all().get().values()) {
        sum += end.offset();
      }
      return sum;
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
