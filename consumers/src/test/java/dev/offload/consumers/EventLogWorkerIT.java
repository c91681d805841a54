package dev.offload.consumers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedInfrastructure.class)
class EventLogWorkerIT {

  @Test
  void countsEveryEventByTypeAndResumesFromCommittedOffsets(Infrastructure infra) throws Exception {
    String type = TestNames.eventType("worker");
    String topic = Topics.events(type);
    String group = TestNames.group("worker");
    WorkerConfig config =
        WorkerConfig.defaults(infra.bootstrapServers())
            .withGroupId(group)
            .withTopics(Pattern.compile(Pattern.quote(topic)));
    publish(infra.bootstrapServers(), topic, type, 20);

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (EventLogWorker worker = EventLogWorker.start(config, registry)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> count(registry, type), n -> n == 20.0);
      assertThat(worker.isRunning()).isTrue();
    }
    assertThat(committed(infra.bootstrapServers(), group)).isEqualTo(20);

    publish(infra.bootstrapServers(), topic, type, 5);
    SimpleMeterRegistry again = new SimpleMeterRegistry();
    try (EventLogWorker worker = EventLogWorker.start(config, again)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> count(again, type), n -> n == 5.0);
      // Only the new events: nothing before the committed offsets is handled twice.
      await().during(Duration.ofSeconds(2)).until(() -> count(again, type), n -> n == 5.0);
    }
    assertThat(committed(infra.bootstrapServers(), group)).isEqualTo(25);
  }

  private static double count(SimpleMeterRegistry registry, String type) {
    var counter = registry.find(EventLogWorker.EVENTS_METRIC).tag("type", type).counter();
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

  private static long committed(String bootstrap, String group) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      return admin
          .listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata()
          .get()
          .values()
          .stream()
          .mapToLong(OffsetAndMetadata::offset)
          .sum();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
