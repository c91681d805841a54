package dev.offload.consumers.worker.internal;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The offsets of every assigned partition, and what to commit for them. Not thread-safe: used under
 * the {@link Dispatcher}'s lock.
 */
final class AssignedPartitions {
  private final Map<TopicPartition, PartitionOffsets> assigned = new HashMap<>();

  void assign(Collection<TopicPartition> partitions) {
    partitions.forEach(tp -> assigned.computeIfAbsent(tp, PartitionOffsets::new));
  }

  /** The offsets of {@code tp}, or {@code null} when it is not assigned. */
  PartitionOffsets get(TopicPartition tp) {
    return assigned.get(tp);
  }

  boolean contains(TopicPartition tp) {
    return assigned.containsKey(tp);
  }

  /** The assigned partitions of {@code topic}, by number. */
  List<TopicPartition> of(String topic) {
    return assigned.keySet().stream()
        .filter(tp -> tp.topic().equals(topic))
        .sorted(Comparator.comparingInt(TopicPartition::partition))
        .toList();
  }

  /** Records in flight in {@code partitions}. */
  int inFlightOf(Collection<TopicPartition> partitions) {
    int n = 0;
    for (TopicPartition tp : partitions) {
      PartitionOffsets state = assigned.get(tp);
      n += state == null ? 0 : state.inFlight();
    }
    return n;
  }

  /** The consumer's positions: each drained partition's committable offset moves up to its own. */
  void drainedTo(Map<TopicPartition, Long> positions) {
    positions.forEach(
        (tp, position) -> {
          PartitionOffsets state = assigned.get(tp);
          if (state != null && state.inFlight() == 0) {
            state.drainedTo(position);
          }
        });
  }

  /** Offsets that moved since they were last taken, marked as committed. */
  Map<TopicPartition, OffsetAndMetadata> takeCommittable() {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (PartitionOffsets state : assigned.values()) {
      OptionalLong next = state.uncommitted();
      if (next.isPresent()) {
        offsets.put(state.partition(), new OffsetAndMetadata(next.getAsLong()));
        state.committed(next.getAsLong());
      }
    }
    return offsets;
  }

  /** The commit of {@code offsets} failed: take them again next time. */
  void commitFailed(Map<TopicPartition, OffsetAndMetadata> offsets) {
    for (TopicPartition tp : offsets.keySet()) {
      PartitionOffsets state = assigned.get(tp);
      if (state != null) {
        state.commitFailed();
      }
    }
  }

  /** Forgets {@code partitions}, retiring their offsets; returns what to commit for them. */
  Map<TopicPartition, OffsetAndMetadata> retire(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : partitions) {
      PartitionOffsets state = assigned.remove(tp);
      if (state != null) {
        state.retire();
        state.committable().ifPresent(o -> offsets.put(tp, new OffsetAndMetadata(o)));
      }
    }
    return offsets;
  }
}
