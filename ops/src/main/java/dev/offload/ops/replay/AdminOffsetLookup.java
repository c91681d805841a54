package dev.offload.ops.replay;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * {@link OffsetLookup} over Kafka's admin client. Offsets are read with {@code read_committed}
 * isolation, so a range never ends inside an open transaction.
 */
final class AdminOffsetLookup implements OffsetLookup {
  private final Admin admin;

  AdminOffsetLookup(Admin admin) {
    this.admin = admin;
  }

  @Override
  public List<TopicPartition> partitions(String topic) {
    try {
      TopicDescription d = admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic);
      return d.partitions().stream()
          .map(p -> new TopicPartition(topic, p.partition()))
          .sorted(Comparator.comparingInt(TopicPartition::partition))
          .toList();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        throw new IllegalArgumentException("topic " + topic + " does not exist", e);
      }
      throw new IllegalStateException("cannot describe topic " + topic + ": " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing topic " + topic, e);
    }
  }

  @Override
  public Map<TopicPartition, Long> earliest(Collection<TopicPartition> partitions) {
    return list(partitions, OffsetSpec.earliest());
  }

  @Override
  public Map<TopicPartition, Long> latest(Collection<TopicPartition> partitions) {
    return list(partitions, OffsetSpec.latest());
  }

  @Override
  public Map<TopicPartition, Long> atTime(Collection<TopicPartition> partitions, Instant time) {
    Map<TopicPartition, Long> found =
        list(partitions, OffsetSpec.forTimestamp(time.toEpochMilli()));
    found.values().removeIf(offset -> offset < 0); // -1: no record that recent
    return found;
  }

  private Map<TopicPartition, Long> list(Collection<TopicPartition> partitions, OffsetSpec spec) {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(tp -> request.put(tp, spec));
    try {
      Map<TopicPartition, ListOffsetsResultInfo> result =
          admin
              .listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
              .all()
              .get();
      Map<TopicPartition, Long> offsets = new HashMap<>();
      result.forEach((tp, info) -> offsets.put(tp, info.offset()));
      return offsets;
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot list offsets of " + partitions + ": " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listing offsets", e);
    }
  }
}
