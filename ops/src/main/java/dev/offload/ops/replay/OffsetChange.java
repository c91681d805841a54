package dev.offload.ops.replay;

import java.util.Objects;
import org.apache.kafka.common.TopicPartition;

/**
 * One partition of a group offset reset.
 *
 * @param partition the partition
 * @param current the group's committed offset now
 * @param target the offset it is reset to
 */
public record OffsetChange(TopicPartition partition, long current, long target) {

  /** Requires the partition. */
  public OffsetChange {
    Objects.requireNonNull(partition, "partition must be set");
  }

  /** Records the group will consume again (positive) or skip (negative). */
  public long delta() {
    return current - target;
  }
}
