package dev.offload.consumers.testing;

import static org.awaitility.Awaitility.await;

import dev.offload.schemas.OffloadHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Topic creation, producing, reading back and committed offsets, for integration tests. */
public final class KafkaSupport {
  private final String bootstrap;

  public KafkaSupport(String bootstrap) {
    this.bootstrap = bootstrap;
  }

  public void createTopic(String topic, int partitions) throws Exception {
    try (Admin admin = admin()) {
      admin
          .createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
          .all()
          .get();
    }
  }

  /** A record with a fresh event id. */
  public static ProducerRecord<byte[], byte[]> event(String topic, String key, byte[] value) {
    return event(topic, key, value, UUID.randomUUID().toString());
  }

  /** A record with the given event id. */
  public static ProducerRecord<byte[], byte[]> event(
      String topic, String key, byte[] value, String eventId) {
    var record = new ProducerRecord<>(topic, 0, bytes(key), value);
    record.headers().add(OffloadHeaders.EVENT_ID, bytes(eventId));
    record.headers().add(OffloadHeaders.EVENT_TYPE, bytes("test-event"));
    return record;
  }

  public void produce(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
    Map<String, Object> p =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all");
    try (var producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (var record : records) {
        producer.send(record).get();
      }
    }
  }

  /** Reads {@code topic} from the start until it holds {@code count} records. */
  public List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int count) {
    Map<String, Object> p =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.GROUP_ID_CONFIG,
            "reader-" + UUID.randomUUID());
    List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(100)).forEach(read::add);
                return read.size() >= count;
              });
    }
    return read;
  }

  /** The offset {@code group} committed for {@code topic}'s partition 0, or -1. */
  public long committed(String group, String topic) throws Exception {
    try (Admin admin = admin()) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      OffsetAndMetadata o = offsets.get(new TopicPartition(topic, 0));
      return o == null ? -1 : o.offset();
    }
  }

  public static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public static String text(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  private Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }
}
