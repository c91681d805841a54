package dev.offload.ops;

import static org.awaitility.Awaitility.await;

import dev.offload.schemas.OffloadHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Topics, records and consumers for the integration tests, on the shared broker. */
public final class KafkaFixtures {
  private final String bootstrap;

  public KafkaFixtures(String bootstrap) {
    this.bootstrap = bootstrap;
  }

  /** One event to publish: its partition, key, timestamp, type; the id is generated. */
  public record Event(int partition, String key, Instant timestamp, String type, String id) {
    public static Event of(int partition, String key, Instant timestamp, String type) {
      return new Event(partition, key, timestamp, type, UUID.randomUUID().toString());
    }
  }

  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  public void createTopic(String topic, int partitions) throws Exception {
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }
  }

  /** Publishes {@code events} in order, with the offload headers, and waits for every ack. */
  public void publish(String topic, List<Event> events) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (Event e : events) {
        var record =
            new ProducerRecord<>(
                topic,
                e.partition(),
                e.timestamp().toEpochMilli(),
                e.key(),
                "{\"id\":\"" + e.id() + "\"}");
        record.headers().add(OffloadHeaders.EVENT_ID, bytes(e.id()));
        record.headers().add(OffloadHeaders.EVENT_TYPE, bytes(e.type()));
        producer.send(record).get();
      }
    }
  }

  /** Joins {@code group} on {@code topic} and waits until it owns all {@code partitions}. */
  public KafkaConsumer<String, String> joinedConsumer(String group, String topic, int partitions) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, group + "-client");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    var consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    consumer.subscribe(List.of(topic));
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInSameThread()
        .until(
            () -> {
              consumer.poll(Duration.ofMillis(100));
              return consumer.assignment().size() == partitions;
            });
    return consumer;
  }

  /** Commits {@code offsets[p]} for each partition {@code p} of {@code topic}. */
  public static void commit(KafkaConsumer<?, ?> consumer, String topic, long... offsets) {
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    for (int p = 0; p < offsets.length; p++) {
      commit.put(new TopicPartition(topic, p), new OffsetAndMetadata(offsets[p]));
    }
    consumer.commitSync(commit);
  }

  /** The group's committed offset per partition of {@code topic}. */
  public Map<Integer, Long> committed(String group) throws Exception {
    try (Admin admin = admin()) {
      Map<Integer, Long> out = new HashMap<>();
      admin
          .listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata()
          .get()
          .forEach((tp, om) -> out.put(tp.partition(), om.offset()));
      return out;
    }
  }

  /** Every record of {@code topic}, read from the beginning to the current log ends. */
  public List<ConsumerRecord<String, String>> readAll(String topic) throws Exception {
    Map<TopicPartition, Long> ends = new HashMap<>();
    try (Admin admin = admin()) {
      int partitions =
          admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic).partitions().size();
      Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
      for (int i = 0; i < partitions; i++) {
        specs.put(new TopicPartition(topic, i), OffsetSpec.latest());
      }
      admin.listOffsets(specs).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
    }
    long total = ends.values().stream().mapToLong(Long::longValue).sum();
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(ends.keySet());
      consumer.seekToBeginning(ends.keySet());
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInSameThread()
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                return records.size() >= total;
              });
    }
    return records;
  }

  public static String header(ConsumerRecord<?, ?> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
