package dev.offload.ops.replay;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/** The offsets a plan is computed from; the admin client in production, a table in tests. */
interface OffsetLookup {

  /** The partitions of {@code topic}, by number. */
  List<TopicPartition> partitions(String topic);

  /** The first offset still in each partition's log. */
  Map<TopicPartition, Long> earliest(Collection<TopicPartition> partitions);

  /** Each partition's end: the offset after its last committed record. */
  Map<TopicPartition, Long> latest(Collection<TopicPartition> partitions);

  /**
   * The first offset stamped at or after {@code time} in each partition; partitions without such a
   * record are missing from the result.
   */
  Map<TopicPartition, Long> atTime(Collection<TopicPartition> partitions, Instant time);
}
