package dev.offload.consumers.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.consumers.testing.KafkaSupport;
import dev.offload.consumers.testing.Meters;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A topic written in transactions (as the router writes the work topics) ends each transaction with
 * a marker after its last record: a worker that has handled everything commits past it, so its
 * group's lag reads 0, not 1.
 */
@ExtendWith(SharedInfrastructure.class)
class TransactionalTopicIT {
  private static final int PARTITIONS = 3;

  @Test
  void aDrainedGroupCommitsTheLogEndOfATransactionalTopic(Infrastructure infra) throws Exception {
    String topic = TestNames.topic("transactional");
    String group = TestNames.group("transactional");
    new KafkaSupport(infra.bootstrapServers()).createTopic(topic, PARTITIONS);
    int records = 0;
    try (var producer = transactionalProducer(infra.bootstrapServers())) {
      producer.initTransactions();
      for (int t = 0; t < 5; t++) {
        producer.beginTransaction();
        for (int i = 0; i < 7; i++) {
          var record = KafkaSupport.event(topic, "key-" + i, KafkaSupport.bytes("v" + t + i));
          producer.send(
              new ProducerRecord<>(
                  topic, i % PARTITIONS, record.key(), record.value(), record.headers()));
          records++;
        }
        producer.commitTransaction();
      }
    }
    int expected = records;
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    WorkerOptions options =
        WorkerOptions.defaults(infra.bootstrapServers(), group, List.of(topic))
            .withCommitInterval(Duration.ofMillis(100));
    HandlerBinding<String> binding =
        HandlerBinding.async(
            "noop", new StringDeserializer(), e -> CompletableFuture.completedFuture(null));
    try (Worker worker = Worker.builder(options, binding).meterRegistry(meters).start()) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Meters.count(meters, WorkerMetricNames.HANDLED) == expected);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(lag(infra.bootstrapServers(), group, topic)).isZero());
    }
    assertThat(lag(infra.bootstrapServers(), group, topic))
        .as("still 0 after the worker left the group")
        .isZero();
  }

  /** Log end minus committed offset, summed over the partitions. */
  private static long lag(String bootstrap, String group, String topic) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < PARTITIONS; p++) {
        latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      long lag = 0;
      for (var end : admin.listOffsets(latest).all().get().entrySet()) {
        OffsetAndMetadata c = committed.get(end.getKey());
        lag += end.getValue().offset() - (c == null ? 0 : c.offset());
      }
      return lag;
    }
  }

  private static KafkaProducer<byte[], byte[]> transactionalProducer(String bootstrap) {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-" + UUID.randomUUID());
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }
}
