package dev.offload.consumers.handlers.eventlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.consumers.HandlerContext;
import dev.offload.consumers.WorkerRole;
import dev.offload.consumers.worker.WorkerOptions;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import dev.offload.schemas.registry.InMemorySchemaRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The event log, run by the worker role like any handler, follows every event topic (one created
 * after it started too), counts each event by type and resumes from its committed offsets.
 */
@ExtendWith(SharedInfrastructure.class)
class EventLogHandlerIT {

  @Test
  void countsEveryEventByTypeAndResumesFromCommittedOffsets(Infrastructure infra) throws Exception {
    String type = TestNames.eventType("worker");
    String topic = Topics.events(type);
    String group = TestNames.group("worker");
    publish(infra.bootstrapServers(), topic, type, 20);

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (WorkerRole role = start(infra, group, registry)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> count(registry, type), n -> n == 20.0);
      assertThat(role.isRunning()).isTrue();
      String later = TestNames.eventType("later");
      publish(infra.bootstrapServers(), Topics.events(later), later, 3);
      // A topic created after the start is followed.
      await().atMost(Duration.ofSeconds(60)).until(() -> count(registry, later), n -> n == 3.0);
    }
    assertThat(committed(infra.bootstrapServers(), group, topic)).isEqualTo(20);

    publish(infra.bootstrapServers(), topic, type, 5);
    SimpleMeterRegistry again = new SimpleMeterRegistry();
    try (WorkerRole role = start(infra, group, again)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> count(again, type), n -> n == 5.0);
      // Only the new events: nothing before the committed offsets is handled twice.
      await().during(Duration.ofSeconds(2)).until(() -> count(again, type), n -> n == 5.0);
    }
    assertThat(committed(infra.bootstrapServers(), group, topic)).isEqualTo(25);
  }

  private static WorkerRole start(Infrastructure infra, String group, SimpleMeterRegistry meters)
      throws Exception {
    EventLogHandler log = new EventLogHandler();
    WorkerOptions options = log.defaultOptions(infra.bootstrapServers(), group);
    HandlerContext context =
        HandlerContext.builder(group, new InMemorySchemaRegistry(), meters).build();
    return WorkerRole.builder(log, options, context).start();
  }

  private static double count(SimpleMeterRegistry registry, String type) {
    var counter = registry.find(EventLogHandler.EVENTS_METRIC).tag("type", type).counter();
    return counter == null ? 0 : counter.count();
  }

  private static void publish(String bootstrap, String topic, String type, int n) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < n; i++) {
        var record = new ProducerRecord<>(topic, "key-" + (i % 3), "{\"n\":" + i + "}");
        record.headers().add(OffloadHeaders.EVENT_ID, bytes(UUID.randomUUID().toString()));
        record.headers().add(OffloadHeaders.EVENT_TYPE, bytes(type));
        producer.send(record).get();
      }
    }
  }

  private static long committed(String bootstrap, String group, String topic) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      return admin
          .listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata()
          .get()
          .entrySet()
          .stream()
          .filter(e -> e.getKey().topic().equals(topic))
          .mapToLong(e -> e.getValue().offset())
          .sum();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
