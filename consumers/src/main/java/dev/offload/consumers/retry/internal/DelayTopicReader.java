package dev.offload.consumers.retry.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a group's delay topics from outside the group, to learn which retries are still pending: a
 * consumer of its own (no group, manual assignment, {@code read_committed}) reads every delay
 * partition from a starting point to its end, while the group's committed offsets, asked through
 * the group's consumer, tell which retries are finished. Without a reader consumer (tests on mock
 * clients) nothing is read and only committed offsets are asked. Polling thread only.
 */
public final class DelayTopicReader implements AutoCloseable {
  private static final Duration MAX_POLL = Duration.ofMillis(100);

  private final Consumer<byte[], byte[]> group;
  private final Consumer<byte[], byte[]> reader;
  private final List<String> topics;
  private Set<TopicPartition> reading = Set.of();

  /**
   * A reader of {@code topics}.
   *
   * @param group the group's consumer, asked for committed offsets
   * @param reader a consumer with no group that this reader owns and closes, or {@code null}
   * @param topics the group's delay topics
   */
  public DelayTopicReader(
      Consumer<byte[], byte[]> group, Consumer<byte[], byte[]> reader, List<String> topics) {
    this.group = group;
    this.reader = reader;
    this.topics = List.copyOf(topics);
  }

  /** Whether the group has delay topics at all. */
  public boolean hasTopics() {
    return !topics.isEmpty();
  }

  /** Every partition of the delay topics, as the cluster's metadata knows them. */
  public List<TopicPartition> partitions() {
    Consumer<byte[], byte[]> metadata = reader != null ? reader : group;
    List<TopicPartition> all = new ArrayList<>();
    for (String topic : topics) {
      List<PartitionInfo> infos = metadata.partitionsFor(topic);
      if (infos != null) {
        infos.forEach(i -> all.add(new TopicPartition(i.topic(), i.partition())));
      }
    }
    return all;
  }

  /** The group's committed offset of each of {@code partitions}; 0 where it committed none. */
  public Map<TopicPartition, Long> committed(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> offsets = group.committed(new HashSet<>(partitions));
    Map<TopicPartition, Long> committed = new HashMap<>();
    for (TopicPartition tp : partitions) {
      OffsetAndMetadata o = offsets.get(tp);
      committed.put(tp, o == null ? 0L : o.offset());
    }
    return committed;
  }

  /** Whether the reader reads exactly {@code partitions}, so it may go on where it is. */
  public boolean isReading(Collection<TopicPartition> partitions) {
    return reading.equals(new HashSet<>(partitions));
  }

  /** Reads {@code from}'s partitions again, each from its offset there. */
  public void rewind(Map<TopicPartition, Long> from) {
    reading = Set.copyOf(from.keySet());
    if (reader == null) {
      return;
    }
    reader.assign(from.keySet());
    from.forEach(reader::seek);
  }

  /** The end of each of {@code partitions} (the last stable offset, read_committed). */
  public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
    return reader == null ? Map.of() : reader.endOffsets(partitions);
  }

  /**
   * Reads on towards {@code ends} for at most {@code budget}, handing every record to {@code sink};
   * true once every partition reached its end.
   */
  public boolean readTo(
      Map<TopicPartition, Long> ends,
      Duration budget,
      java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> sink) {
    if (reader == null) {
      return true;
    }
    long deadline = System.nanoTime() + budget.toNanos();
    while (!reachedEnd(ends)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      Duration wait = Duration.ofNanos(Math.min(left, MAX_POLL.toNanos()));
      reader.poll(wait).forEach(sink);
    }
    return true;
  }

  private boolean reachedEnd(Map<TopicPartition, Long> ends) {
    for (var end : ends.entrySet()) {
      if (reading.contains(end.getKey()) && reader.position(end.getKey()) < end.getValue()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    if (reader != null) {
      reader.close();
    }
  }
}
