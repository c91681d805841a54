package dev.offload.consumers.worker.internal;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Creates the delay and dead-letter topics of a worker when they are missing. */
public final class TopicProvisioner {
  private TopicProvisioner() {}

  /** Creates each of {@code topics} with {@code partitions} partitions unless it exists. */
  public static void ensure(
      Map<String, Object> adminProperties, Collection<String> topics, int partitions) {
    List<NewTopic> wanted =
        topics.stream()
            .map(t -> new NewTopic(t, Optional.of(partitions), Optional.empty()))
            .toList();
    try (Admin admin = Admin.create(adminProperties)) {
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
        admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
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
      result.get(30, TimeUnit.SECONDS);
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
