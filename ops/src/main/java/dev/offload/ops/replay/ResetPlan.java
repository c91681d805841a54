package dev.offload.ops.replay;

import dev.offload.ops.GroupMember;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A reset of a consumer group's committed offsets to a time.
 *
 * @param group the group
 * @param time the time its offsets go back (or forward) to
 * @param members the group's live members when planned; a reset runs only without any
 * @param changes one entry per partition the group has committed offsets for, by topic and
 *     partition
 */
public record ResetPlan(
    String group, Instant time, List<GroupMember> members, List<OffsetChange> changes) {

  /** Copies the lists and requires the names. */
  public ResetPlan {
    Objects.requireNonNull(group, "group must be set");
    Objects.requireNonNull(time, "time must be set");
    members = List.copyOf(members);
    changes = List.copyOf(changes);
  }

  /** Records the group will consume again, over all partitions (negative: skipped). */
  public long totalDelta() {
    return changes.stream().mapToLong(OffsetChange::delta).sum();
  }
}
