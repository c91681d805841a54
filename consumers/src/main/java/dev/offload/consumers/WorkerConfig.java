package dev.offload.consumers;

import dev.offload.schemas.Topics;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Configuration of the event-log worker.
 *
 * @param bootstrapServers Kafka {@code bootstrap.servers}; default {@code 127.0.0.1:9092}
 * @param groupId consumer group; default {@code offload-event-log}
 * @param topics topics to follow; default every {@code offload.events.*} topic, new ones included
 * @param pollTimeout longest wait of one poll; default 500 ms
 * @param topicRefresh how soon a newly created matching topic is picked up; default 2 s
 */
public record WorkerConfig(
    String bootstrapServers,
    String groupId,
    Pattern topics,
    Duration pollTimeout,
    Duration topicRefresh) {

  /** Default consumer group of the event-log worker. */
  public static final String DEFAULT_GROUP = "offload-event-log";

  /** Validates every field and names the one that is wrong. */
  public WorkerConfig {
    requireText(bootstrapServers, "bootstrapServers");
    requireText(groupId, "groupId");
    Objects.requireNonNull(topics, "topics must be set");
    requirePositive(pollTimeout, "pollTimeout");
    requirePositive(topicRefresh, "topicRefresh");
  }

  /** The defaults, against {@code bootstrapServers}. */
  public static WorkerConfig defaults(String bootstrapServers) {
    return new WorkerConfig(
        bootstrapServers,
        DEFAULT_GROUP,
        Topics.ALL_EVENTS,
        Duration.ofMillis(500),
        Duration.ofSeconds(2));
  }

  /** A copy with another group. */
  public WorkerConfig withGroupId(String group) {
    return new WorkerConfig(bootstrapServers, group, topics, pollTimeout, topicRefresh);
  }

  /** A copy that follows other topics. */
  public WorkerConfig withTopics(Pattern pattern) {
    return new WorkerConfig(bootstrapServers, groupId, pattern, pollTimeout, topicRefresh);
  }

  /** The Kafka consumer properties of this configuration. */
  Properties consumerProperties() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, Long.toString(topicRefresh.toMillis()));
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  private static void requireText(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
  }

  private static void requirePositive(Duration value, String field) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(field + " must be a positive duration, was " + value);
    }
  }
}
