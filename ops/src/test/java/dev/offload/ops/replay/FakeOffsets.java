package dev.offload.ops.replay;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/** An {@link OffsetLookup} over a table of record timestamps per partition. */
final class FakeOffsets implements OffsetLookup {
  private final String topic;
  private final Map<Integer, Long> starts = new HashMap<>();
  private final Map<Integer, List<Instant>> stamps = new HashMap<>();

  FakeOffsets(String topic) {
    this.topic = topic;
  }

  /** Partition {@code p} holds records from {@code start}, stamped {@code times} in order. */
  FakeOffsets partition(int p, long start, Instant... times) {
    starts.put(p, start);
    stamps.put(p, List.of(times));
    return this;
  }

  @Override
  public List<TopicPartition> partitions(String t) {
    List<TopicPartition> all = new ArrayList<>();
    starts.keySet().stream().sorted().forEach(p -> all.add(new TopicPartition(topic, p)));
    return all;
  }

  @Override
  public Map<TopicPartition, Long> earliest(Collection<TopicPartition> partitions) {
    Map<TopicPartition, Long> out = new HashMap<>();
    partitions.forEach(tp -> out.put(tp, starts.get(tp.partition())));
    return out;
  }

  @Override
  public Map<TopicPartition, Long> latest(Collection<TopicPartition> partitions) {
    Map<TopicPartition, Long> out = new HashMap<>();
    partitions.forEach(
        tp -> out.put(tp, starts.get(tp.partition()) + stamps.get(tp.partition()).size()));
    return out;
  }

  @Override
  public Map<TopicPartition, Long> atTime(Collection<TopicPartition> partitions, Instant time) {
    Map<TopicPartition, Long> out = new HashMap<>();
    for (TopicPartition tp : partitions) {
      List<Instant> times = stamps.get(tp.partition());
      for (int i = 0; i < times.size(); i++) {
        if (!times.get(i).isBefore(time)) {
          out.put(tp, starts.get(tp.partition()) + i);
          break;
        }
      }
    }
    return out;
  }
}
