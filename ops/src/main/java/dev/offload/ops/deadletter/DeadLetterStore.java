package dev.offload.ops.deadletter;

import dev.offload.schemas.Topics;
import dev.offload.schemas.config.ConfigChecks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Reads a group's dead-letter topic and its redrive audit topic from the beginning to their ends as
 * they are now, with no consumer group (nobody's offsets move) and {@code read_committed}.
 */
public final class DeadLetterStore implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(200);

  private final DeadLetterToolsConfig config;
  private final Admin admin;

  private DeadLetterStore(DeadLetterToolsConfig config) {
    this.config = ConfigChecks.check(config);
    this.admin = Admin.create(config.adminProperties());
  }

  /** A store on the cluster of {@code config}. */
  public static DeadLetterStore connect(DeadLetterToolsConfig config) {
    return new DeadLetterStore(config);
  }

  /** Every dead letter of {@code group}, in partition then offset order; empty if no topic. */
  public List<DeadLetter> deadLetters(String group) throws InterruptedException {
    List<DeadLetter> out = new ArrayList<>();
    readAll(
        Topics.deadLetters(group),
        r ->
            out.add(
                new DeadLetter(
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    r.timestamp(),
                    r.key(),
                    r.value(),
                    List.of(r.headers().toArray()))));
    out.sort(
        (a, b) ->
            a.partition() != b.partition()
                ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
    return out;
  }

  /** The {@link DeadLetter#id() ids} of the dead letters of {@code group} already redriven. */
  public Set<String> redrivenIds(String group) throws InterruptedException {
    Set<String> ids = new HashSet<>();
    readAll(
        Topics.redriven(group),
        r -> {
          if (r.key() != null) {
            ids.add(new String(r.key(), StandardCharsets.UTF_8));
          }
        });
    return ids;
  }

  private void readAll(String topic, Consumer<ConsumerRecord<byte[], byte[]>> sink)
      throws InterruptedException {
    List<TopicPartition> partitions = partitions(topic);
    if (partitions.isEmpty()) {
      return;
    }
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config.consumerProperties())) {
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      // With read_committed the end offsets are the last stable offsets.
      Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions));
      long lastProgress = System.nanoTime();
      while (!ends.isEmpty()) {
        var records = consumer.poll(POLL);
        if (!records.isEmpty()) {
          records.forEach(sink);
          lastProgress = System.nanoTime();
        }
        for (TopicPartition tp : List.copyOf(ends.keySet())) {
          if (consumer.position(tp) >= ends.get(tp)) {
            ends.remove(tp);
            lastProgress = System.nanoTime();
          }
        }
        if (Thread.interrupted()) {
          throw new InterruptedException("reading " + topic + " was interrupted");
        }
        if (!ends.isEmpty() && System.nanoTime() - lastProgress > config.readTimeout().toNanos()) {
          throw new IllegalStateException(
              "reading " + topic + " made no progress for " + config.readTimeout() + ": " + ends);
        }
      }
    }
  }

  /** Creates the audit topic of {@code group} (one partition, broker defaults) if it is missing. */
  public void createAuditTopicIfMissing(String group) throws InterruptedException {
    String topic = Topics.redriven(group);
    try {
      admin
          .createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty())))
          .all()
          .get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create " + topic + ": " + e.getCause(), e);
      }
    }
  }

  private List<TopicPartition> partitions(String topic) throws InterruptedException {
    try {
      TopicDescription description =
          admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic);
      return description.partitions().stream()
          .map(p -> new TopicPartition(topic, p.partition()))
          .toList();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return List.of();
      }
      throw new IllegalStateException("cannot describe " + topic + ": " + e.getCause(), e);
    }
  }

  @Override
  public void close() {
    admin.close();
  }
}
