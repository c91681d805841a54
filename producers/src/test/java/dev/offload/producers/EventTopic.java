package dev.offload.producers;

import static org.awaitility.Awaitility.await;

import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The events of one type on Kafka: {@code offload.events.<type>} read from its beginning by a plain
 * {@code read_committed} consumer (no group, every partition assigned), each record reduced to its
 * {@code offload-event-id} header, in the order read (per partition, the order of the log).
 *
 * <p>The topic may not exist yet when this is created: it is assigned once the connector's first
 * record created it.
 */
final class EventTopic implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(100);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;
  private final List<String> ids = new ArrayList<>();

  EventTopic(String bootstrapServers, String type) {
    this.topic = Topics.events(type);
    this.consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                // Reading a topic must never create it: "no such topic" is an answer here.
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
                false,
                // A fetch of a partition without new records returns soon (default 500 ms).
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                50),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
  }

  /**
   * Creates {@code offload.events.<type>} of each type with the broker's default partitions, as an
   * operator would before the first event: the connector's first send then finds the topic instead
   * of waiting (about a second) for the broker to create it on demand.
   */
  static void create(String bootstrapServers, String... types) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      List<NewTopic> topics = new ArrayList<>();
      for (String type : types) {
        topics.add(new NewTopic(Topics.events(type), Optional.empty(), Optional.empty()));
      }
      admin.createTopics(topics).all().get();
    }
  }

  /**
   * Reads until every id of {@code wanted} was read, then to the end of every partition as it was
   * at that moment, and returns all ids read so far, duplicates included.
   */
  List<String> readUntilAll(Collection<String> wanted, Duration atMost) {
    Set<String> all = Set.copyOf(wanted);
    return readUntil(read -> new HashSet<>(read).containsAll(all), atMost);
  }

  /**
   * Reads until {@code done} holds for the ids read so far, then to the end of every partition as
   * it was at that moment (so a record the connector produced before the last one wanted is
   * included), and returns all ids read so far, duplicates included.
   */
  List<String> readUntil(Predicate<List<String>> done, Duration atMost) {
    await()
        .atMost(atMost)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              pollOnce();
              return done.test(ids);
            });
    Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
    await()
        .atMost(atMost)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              if (reached(end)) {
                return true;
              }
              pollOnce();
              return reached(end);
            });
    return List.copyOf(ids);
  }

  private boolean reached(Map<TopicPartition, Long> end) {
    return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
  }

  private void pollOnce() {
    if (consumer.assignment().isEmpty()) {
      List<PartitionInfo> partitions = consumer.listTopics().get(topic);
      if (partitions == null || partitions.isEmpty()) {
        return;
      }
      List<TopicPartition> all = new ArrayList<>();
      partitions.forEach(p -> all.add(new TopicPartition(topic, p.partition())));
      consumer.assign(all);
      consumer.seekToBeginning(all);
    }
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
      ids.add(eventId(r));
    }
  }

  private static String eventId(ConsumerRecord<byte[], byte[]> r) {
    Header id = r.headers().lastHeader(OffloadHeaders.EVENT_ID);
    if (id == null) {
      throw new AssertionError(
          "a record without " + OffloadHeaders.EVENT_ID + " on " + r.topic() + ": " + r);
    }
    return new String(id.value(), StandardCharsets.UTF_8);
  }

  /** The topics among {@code offload.events.<type>} of {@code types} that exist. */
  Set<String> existing(Collection<String> types) {
    Set<String> topics = consumer.listTopics().keySet();
    return Set.copyOf(types.stream().map(Topics::events).filter(topics::contains).toList());
  }

  @Override
  public void close() {
    consumer.close();
  }
}
