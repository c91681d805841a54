package dev.offload.consumers.worker.internal;

import dev.offload.consumers.deadletter.internal.DeadLetterRecords;
import dev.offload.consumers.retry.internal.RetryRecords;
import dev.offload.schemas.Topics;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a failed record on for its group: its retry to a delay topic, its dead letter (with the
 * full header set) to the dead-letter topic. Each send completes a future, with the stored position
 * or Kafka's refusal; what follows is the {@link Dispatcher}'s to decide.
 */
final class FailedRecordPublisher {
  private static final Logger log = LoggerFactory.getLogger(FailedRecordPublisher.class);

  private final String group;
  private final Producer<byte[], byte[]> producer;

  /** A publisher for consumer group {@code group}, sending with {@code producer}. */
  FailedRecordPublisher(String group, Producer<byte[], byte[]> producer) {
    this.group = group;
    this.producer = producer;
  }

  /**
   * Sends the retry of {@code item} to its delay topic, as its next attempt, due {@code
   * delayed.delay()} after its last failure.
   *
   * @param owned the partitions of a topic that this worker reads
   */
  CompletableFuture<RecordMetadata> toDelayTopic(
      WorkItem item, Outcome.Delayed delayed, Function<String, List<TopicPartition>> owned) {
    String topic = Topics.retry(group, delayed.tier());
    ProducerRecord<byte[], byte[]> retry =
        RetryRecords.build(
            item.record(),
            item.origin(),
            topic,
            partitionFor(owned.apply(topic), item),
            item.attempt() + 1,
            item.lastFailedAt().plus(delayed.delay()),
            item.firstFailedAt());
    return send(retry);
  }

  /** Sends the dead letter of {@code item}. */
  CompletableFuture<RecordMetadata> toDeadLetters(WorkItem item, Outcome.DeadLetter letter) {
    log.warn(
        "Dead-lettering event {} at {} after {} attempt(s): {} ({})",
        item.eventId(),
        item.origin(),
        item.attempt(),
        letter.reason().headerValue(),
        letter.failure().getClass().getName());
    return send(
        DeadLetterRecords.build(
            item.record(),
            item.origin(),
            group,
            letter.reason(),
            letter.failure(),
            item.attempt(),
            item.firstFailedAt(),
            item.lastFailedAt()));
  }

  /**
   * A partition of the delay topic this worker reads, so the retry most likely comes back here and
   * its lane moves on as soon as it is done; anywhere else, the lane waits for the group's commit.
   */
  private static Integer partitionFor(List<TopicPartition> owned, WorkItem item) {
    if (owned.isEmpty()) {
      return null;
    }
    return owned.get(Math.floorMod(item.lane().hashCode(), owned.size())).partition();
  }

  private CompletableFuture<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
    CompletableFuture<RecordMetadata> stored = new CompletableFuture<>();
    try {
      producer.send(
          record,
          (metadata, error) -> {
            if (error == null) {
              stored.complete(metadata);
            } else {
              stored.completeExceptionally(error);
            }
          });
    } catch (RuntimeException e) {
      stored.completeExceptionally(e);
    }
    return stored;
  }
}
