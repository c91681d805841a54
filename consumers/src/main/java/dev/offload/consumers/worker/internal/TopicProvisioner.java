package dev.offload.consumers.worker.internal;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the delay and dead-letter topics of a worker when they are missing. A worker started
 * while Kafka is away (a broker restarting, a cluster still coming up) waits for it here, saying so
 * once, instead of exiting: its consumer would wait for Kafka the same way once past this point.
 */
public final class TopicProvisioner {
  private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);
  private static final Duration ATTEMPT = Duration.ofSeconds(10);

  private TopicProvisioner() {}

  /**
   * Creates each of {@code topics} with {@code partitions} partitions unless it exists, trying
   * again for as long as Kafka does not answer.
   *
   * @throws KafkaException when Kafka answers with an error other than a timeout
   */
  public static void ensure(
      Map<String, Object> adminProperties, Collection<String> topics, int partitions) {
    long started = System.nanoTime();
    int attempts = 0;
    while (true) {
      attempts++;
      try {
        attempt(adminProperties, topics, partitions);
        if (attempts > 1) {
          log.info(
              "Kafka answered after {} s; the worker topics {} are ready",
              TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started),
              topics);
        }
        return;
      } catch (KafkaException e) {
        if (!isTimeout(e)) {
          throw e;
        }
        if (attempts == 1) {
          log.warn(
              "Kafka at {} does not answer ({}); the worker waits for it to create its topics",
              adminProperties.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG),
              e.getMessage());
        }
      }
      if (Thread.currentThread().isInterrupted()) {
        throw new KafkaException("Interrupted while waiting for Kafka to create the worker topics");
      }
    }
  }

  private static boolean isTimeout(KafkaException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException
          || t instanceof org.apache.kafka.common.errors.TimeoutException) {
        return true;
      }
    }
    return false;
  }

  private static void attempt(
      Map<String, Object> adminProperties, Collection<String> topics, int partitions) {
    List<NewTopic> wanted =
        topics.stream()
            .map(t -> new NewTopic(t, Optional.of(partitions), Optional.empty()))
            .toList();
    // An attempt gives up after ATTEMPT unless the properties say otherwise; the admin client
    // refuses an API timeout shorter than its request timeout, so both are set.
    Map<String, Object> properties = new HashMap<>(adminProperties);
    properties.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ATTEMPT.toMillis());
    properties.putIfAbsent(
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
        properties.get(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG));
    try (Admin admin = Admin.create(properties)) {
      for (var result : admin.createTopics(wanted).values().values()) {
        awaitCreated(result);
      }
      awaitVisible(admin, topics);
    }
  }

  /**
   * Waits until the broker answering metadata requests knows {@code topics}: a consumer asking for
   * a topic its broker has not learnt of yet makes the broker try to create it again, which fails
   * with a warning in the broker's log.
   */
  private static void awaitVisible(Admin admin, Collection<String> topics) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        admin.describeTopics(topics).allTopicNames().get(ATTEMPT.toSeconds() + 5, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw new KafkaException("Could not describe the worker topics", e.getCause());
        }
      } catch (TimeoutException e) {
        throw new KafkaException("Timed out describing the worker topics", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KafkaException("Interrupted while describing the worker topics", e);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KafkaException("Interrupted while describing the worker topics", e);
      }
    }
  }

  private static void awaitCreated(KafkaFuture<Void> result) {
    try {
      result.get(ATTEMPT.toSeconds() + 5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new KafkaException("Could not create a worker topic", e.getCause());
      }
    } catch (TimeoutException e) {
      throw new KafkaException("Timed out creating a worker topic", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("Interrupted while creating a worker topic", e);
    }
  }
}
