package dev.offload.consumers.retry.internal;

import dev.offload.schemas.HeaderValues;
import dev.offload.schemas.RetryHeaders;
import dev.offload.schemas.Topics;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Holds records of delay topics until their retry is due. Once a delay partition's head is not due,
 * that record and every later one fetched from the partition wait here, in order, and the partition
 * is paused (by the caller) until the head is due. Polling thread only.
 */
public final class DelayHolds {
  private final String group;
  private final Map<TopicPartition, ArrayDeque<ConsumerRecord<byte[], byte[]>>> held =
      new LinkedHashMap<>();
  private int size;

  /** Holds for the delay topics of {@code group}. */
  public DelayHolds(String group) {
    this.group = group;
  }

  /** Returns the records that may go on now: {@code record}, unless it has to wait. */
  public List<ConsumerRecord<byte[], byte[]>> offer(
      ConsumerRecord<byte[], byte[]> record, Instant now) {
    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
    ArrayDeque<ConsumerRecord<byte[], byte[]>> queue = held.get(tp);
    if (queue == null && !isDue(record, now)) {
      queue = new ArrayDeque<>();
      held.put(tp, queue);
    }
    if (queue == null) {
      return List.of(record);
    }
    queue.addLast(record);
    size++;
    return List.of();
  }

  /** Takes the held records that are due by {@code now}, in partition order. */
  public List<ConsumerRecord<byte[], byte[]>> releaseDue(Instant now) {
    List<ConsumerRecord<byte[], byte[]>> due = new ArrayList<>();
    for (var it = held.entrySet().iterator(); it.hasNext(); ) {
      ArrayDeque<ConsumerRecord<byte[], byte[]>> queue = it.next().getValue();
      while (!queue.isEmpty() && isDue(queue.peekFirst(), now)) {
        due.add(queue.pollFirst());
        size--;
      }
      if (queue.isEmpty()) {
        it.remove();
      }
    }
    return due;
  }

  /** When the earliest held head is due, if any record is held. */
  public Optional<Instant> nextDue() {
    return held.values().stream()
        .map(q -> dueAt(q.peekFirst()))
        .filter(t -> t != null)
        .min(Instant::compareTo);
  }

  /** Partitions that hold a record, to keep paused. */
  public Set<TopicPartition> partitions() {
    return held.keySet();
  }

  /** How many records are held. */
  public int size() {
    return size;
  }

  /** Forgets what is held for {@code partitions}: they are fetched again by their next owner. */
  public void drop(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      var queue = held.remove(tp);
      if (queue != null) {
        size -= queue.size();
      }
    }
  }

  private boolean isDue(ConsumerRecord<byte[], byte[]> record, Instant now) {
    if (!Topics.isRetry(group, record.topic())) {
      return true;
    }
    Instant due = dueAt(record);
    return due == null || !due.isAfter(now);
  }

  private static Instant dueAt(ConsumerRecord<byte[], byte[]> record) {
    return HeaderValues.instant(record.headers(), RetryHeaders.DUE_AT);
  }
}
