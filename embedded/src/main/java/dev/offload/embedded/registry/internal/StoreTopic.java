package dev.offload.embedded.registry.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the storage topic as Confluent Schema Registry does (one partition, compacted, replicated
 * up to three times) and refuses one that cannot keep the registry's order or history.
 */
final class StoreTopic {
  private static final Logger log = LoggerFactory.getLogger(StoreTopic.class);

  private StoreTopic() {}

  /**
   * Creates {@code topic} unless it exists, then checks it.
   *
   * @throws IllegalStateException when the topic has more than one partition or is not compacted,
   *     or Kafka does not answer within {@code timeout}
   */
  static void ensure(Admin admin, String topic, Duration timeout) {
    int brokers = await(admin.describeCluster().nodes(), timeout, topic).size();
    short replicas = (short) Math.max(1, Math.min(3, brokers));
    NewTopic wanted =
        new NewTopic(topic, Optional.of(1), Optional.of(replicas))
            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    try {
      await(admin.createTopics(List.of(wanted)).all(), timeout, topic);
      log.info("Created schema storage topic {} (compacted, {} replica(s))", topic, replicas);
    } catch (IllegalStateException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
    checkOnceKnown(admin, topic, timeout);
  }

  /** Checks the topic, retrying while the brokers do not know it yet (just created). */
  private static void checkOnceKnown(Admin admin, String topic, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int attempt = 1; ; attempt++) {
      try {
        check(admin, topic, timeout);
        return;
      } catch (IllegalStateException e) {
        if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
          throw e;
        }
        log.debug("Schema storage topic {} not known yet ({}); retrying", topic, e.getMessage());
        pause(Math.min(1000, 50L * attempt), topic);
      }
    }
  }

  private static void pause(long millis, String topic) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while preparing topic " + topic, e);
    }
  }

  private static void check(Admin admin, String topic, Duration timeout) {
    TopicDescription description =
        await(admin.describeTopics(List.of(topic)).allTopicNames(), timeout, topic).get(topic);
    if (description.partitions().size() != 1) {
      throw new IllegalStateException(
          "schema storage topic "
              + topic
              + " has "
              + description.partitions().size()
              + " partitions; it needs exactly 1 to keep registrations in order");
    }
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config config =
        await(admin.describeConfigs(List.of(resource)).all(), timeout, topic).get(resource);
    String policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
    if (!policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)
        || policy.contains(TopicConfig.CLEANUP_POLICY_DELETE)) {
      throw new IllegalStateException(
          "schema storage topic "
              + topic
              + " has cleanup.policy="
              + policy
              + "; it must be 'compact' alone, or old registrations would be deleted");
    }
  }

  private static <T> T await(KafkaFuture<T> future, Duration timeout, String topic) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot prepare schema storage topic " + topic + ": " + e.getCause().getMessage(),
          e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "Kafka did not answer within "
              + timeout
              + " while preparing schema storage topic "
              + topic,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while preparing topic " + topic, e);
    }
  }
}
