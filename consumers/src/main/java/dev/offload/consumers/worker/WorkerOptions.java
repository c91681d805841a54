package dev.offload.consumers.worker;

import dev.offload.consumers.backpressure.Watermarks;
import dev.offload.consumers.ordering.Ordering;
import dev.offload.consumers.retry.RetryPolicy;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Configuration of one worker: one consumer group running one handler. The Kafka client properties
 * are derived here and nowhere else.
 *
 * @param bootstrapServers Kafka {@code bootstrap.servers}; required
 * @param group the consumer group; also names the delay topics {@code offload.retry.<group>.*} and
 *     the dead-letter topic {@code offload.dlq.<group>}; letters, digits, {@code . _ -}
 * @param topics the topics to handle, for example {@code offload.events.user-signed-up}
 * @param ordering which records may run at the same time; default {@link Ordering#KEY}
 * @param maxInFlight most records handled at once, across keys and partitions; default 256
 * @param watermarks when to pause and resume fetching; default 4x and 2x {@code maxInFlight}
 * @param commitInterval how often done offsets are committed, and how often a key parked for a
 *     retry that another member reads is checked for release; default 1 s
 * @param retry the retry policy; default {@link RetryPolicy#defaults()}
 * @param shutdownTimeout how long close and a revocation wait for in-flight records; default 30 s,
 *     well below {@code max.poll.interval.ms}
 * @param pollTimeout longest wait of one poll, and so the latency of resuming, releasing a due
 *     retry and stopping; also the longest read of the delay topics per turn of the poll loop;
 *     default 100 ms
 * @param internalTopicPartitions partitions of the delay and dead-letter topics the worker creates
 *     when missing; default 6
 * @param kafkaProperties extra client properties (security, tuning) for the consumer, producer and
 *     admin client; they cannot turn on auto-commit or change the group, serializers or assignor;
 *     default none. Never logged.
 * @param topicPattern when set, the worker also reads every topic whose whole name matches it, new
 *     ones included (within {@code metadata.max.age.ms}), and {@code topics} may be empty; default
 *     none
 */
@RecordBuilder
public record WorkerOptions(
    String bootstrapServers,
    String group,
    List<String> topics,
    Ordering ordering,
    int maxInFlight,
    Watermarks watermarks,
    Duration commitInterval,
    RetryPolicy retry,
    Duration shutdownTimeout,
    Duration pollTimeout,
    int internalTopicPartitions,
    Map<String, String> kafkaProperties,
    Pattern topicPattern)
    implements WorkerOptionsBuilder.With {

  /** Default of {@code maxInFlight}. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 256;

  private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9._-]{1,200}");

  /** Validates every field and names the one that is wrong. */
  public WorkerOptions {
    requireText(bootstrapServers, "bootstrapServers");
    if (group == null || !GROUP.matcher(group).matches()) {
      throw new IllegalArgumentException(
          "group must be 1-200 letters, digits, '.', '_' or '-', was " + group);
    }
    topics = List.copyOf(Objects.requireNonNull(topics, "topics must be set"));
    if (topics.isEmpty() && topicPattern == null) {
      throw new IllegalArgumentException("topics must name at least one topic");
    }
    topics.forEach(t -> requireText(t, "topics"));
    Objects.requireNonNull(ordering, "ordering must be set");
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1, was " + maxInFlight);
    }
    Objects.requireNonNull(watermarks, "watermarks must be set");
    requirePositive(commitInterval, "commitInterval");
    Objects.requireNonNull(retry, "retry must be set");
    requirePositive(shutdownTimeout, "shutdownTimeout");
    requirePositive(pollTimeout, "pollTimeout");
    if (internalTopicPartitions < 1) {
      throw new IllegalArgumentException(
          "internalTopicPartitions must be at least 1, was " + internalTopicPartitions);
    }
    kafkaProperties = Map.copyOf(Objects.requireNonNull(kafkaProperties, "kafkaProperties"));
    String maxPoll = kafkaProperties.get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG);
    if (maxPoll != null && !maxPoll.trim().matches("[1-9][0-9]{0,9}")) {
      throw new IllegalArgumentException(
          "kafkaProperties.max.poll.interval.ms must be a positive number, was " + maxPoll);
    }
  }

  /** The defaults listed on the record, for {@code group} handling {@code topics}. */
  public static WorkerOptions defaults(String bootstrapServers, String group, List<String> topics) {
    return new WorkerOptions(
        bootstrapServers,
        group,
        topics,
        Ordering.KEY,
        DEFAULT_MAX_IN_FLIGHT,
        Watermarks.forMaxInFlight(DEFAULT_MAX_IN_FLIGHT),
        Duration.ofSeconds(1),
        RetryPolicy.defaults(),
        Duration.ofSeconds(30),
        Duration.ofMillis(100),
        6,
        Map.of(),
        null);
  }

  /**
   * The defaults listed on the record, for {@code group} handling every topic whose whole name
   * matches {@code topicPattern}, new ones included.
   */
  public static WorkerOptions defaults(
      String bootstrapServers, String group, Pattern topicPattern) {
    return new WorkerOptions(
        bootstrapServers,
        group,
        List.of(),
        Ordering.KEY,
        DEFAULT_MAX_IN_FLIGHT,
        Watermarks.forMaxInFlight(DEFAULT_MAX_IN_FLIGHT),
        Duration.ofSeconds(1),
        RetryPolicy.defaults(),
        Duration.ofSeconds(30),
        Duration.ofMillis(100),
        6,
        Map.of(),
        Objects.requireNonNull(topicPattern, "topicPattern"));
  }

  /** A copy with another {@code maxInFlight} and the default watermarks for it. */
  public WorkerOptions withMaxInFlight(int value) {
    return new WorkerOptions(
        bootstrapServers,
        group,
        topics,
        ordering,
        value,
        Watermarks.forMaxInFlight(Math.max(1, value)),
        commitInterval,
        retry,
        shutdownTimeout,
        pollTimeout,
        internalTopicPartitions,
        kafkaProperties,
        topicPattern);
  }

  /** Whether the worker handles records of {@code topic}: one of its topics, or a match. */
  public boolean isSourceTopic(String topic) {
    return topics.contains(topic)
        || (topicPattern != null && topicPattern.matcher(topic).matches());
  }

  /** The consumer's {@code max.poll.interval.ms}: from {@code kafkaProperties}, else 5 min. */
  public Duration maxPollInterval() {
    String value = kafkaProperties.get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG);
    return value == null ? Duration.ofMinutes(5) : Duration.ofMillis(Long.parseLong(value.trim()));
  }

  /**
   * How long a revocation waits for the revoked partitions' in-flight records: the shutdown
   * timeout, but at most half of {@link #maxPollInterval()}, since the wait happens inside poll.
   */
  public Duration revokeWait() {
    Duration half = maxPollInterval().dividedBy(2);
    return shutdownTimeout.compareTo(half) < 0 ? shutdownTimeout : half;
  }

  /** Consumer properties: manual commits, read_committed, cooperative-sticky, raw bytes. */
  Map<String, Object> consumerProperties() {
    Map<String, Object> p = new HashMap<>(kafkaProperties);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  /**
   * Properties of the consumer that reads the delay topics outside the group (no group, manual
   * assignment, read_committed), to learn which retries are pending.
   */
  Map<String, Object> delayReaderProperties() {
    Map<String, Object> p = new HashMap<>(kafkaProperties);
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    p.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    p.remove(ConsumerConfig.GROUP_PROTOCOL_CONFIG);
    p.remove(ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  /** Producer properties for retries and dead letters: acknowledged by all, idempotent. */
  Map<String, Object> producerProperties() {
    Map<String, Object> p = new HashMap<>(kafkaProperties);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  /** Admin client properties, to create the delay and dead-letter topics. */
  Map<String, Object> adminProperties() {
    Map<String, Object> p = new HashMap<>();
    kafkaProperties.forEach(
        (k, v) -> {
          if (AdminClientConfig.configNames().contains(k)) {
            p.put(k, v);
          }
        });
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return p;
  }

  /** A redacted view: the extra Kafka properties may hold secrets. */
  @Override
  public String toString() {
    return "WorkerOptions[group="
        + group
        + ", topics="
        + topics
        + (topicPattern == null ? "" : ", topicPattern=" + topicPattern)
        + ", ordering="
        + ordering
        + ", maxInFlight="
        + maxInFlight
        + ", kafkaProperties="
        + kafkaProperties.keySet()
        + "]";
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
