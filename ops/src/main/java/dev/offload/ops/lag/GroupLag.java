package dev.offload.ops.lag;

import dev.offload.ops.GroupMember;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The lag of one consumer group at one moment.
 *
 * @param group the group id
 * @param state the coordinator's state of the group ({@code STABLE}, {@code EMPTY}, ...)
 * @param members the group's live members
 * @param status the worst status of its partitions; ERR when {@code error} is set
 * @param objective the group's lag objective: above it in seconds a partition is not OK
 * @param partitions one entry per partition the group has committed offsets for, by topic and
 *     partition
 * @param error why the group's offsets or members could not be read, or {@code null}
 */
public record GroupLag(
    String group,
    String state,
    List<GroupMember> members,
    LagStatus status,
    Duration objective,
    List<PartitionLag> partitions,
    String error) {

  /** Copies the lists and requires the names. */
  public GroupLag {
    Objects.requireNonNull(group, "group must be set");
    Objects.requireNonNull(status, "status must be set");
    Objects.requireNonNull(objective, "objective must be set");
    state = state == null ? "UNKNOWN" : state;
    members = List.copyOf(members);
    partitions = List.copyOf(partitions);
  }

  /** The highest lag in records over the group's partitions; 0 without partitions. */
  public long maxLagRecords() {
    return partitions.stream().mapToLong(PartitionLag::lagRecords).max().orElse(0);
  }

  /** The sum of the lag in records over the group's partitions. */
  public long totalLagRecords() {
    return partitions.stream().mapToLong(PartitionLag::lagRecords).sum();
  }

  /** The highest known lag in seconds over the group's partitions; {@code NaN} if none is known. */
  public double maxLagSeconds() {
    return partitions.stream()
        .filter(PartitionLag::hasLagSeconds)
        .mapToDouble(PartitionLag::lagSeconds)
        .max()
        .orElse(partitions.isEmpty() ? 0 : Double.NaN);
  }

  /**
   * Seconds until every partition of the group has no lag, at the rates of the monitor's window
   * ({@link TimeToDrain#ofGroup}): 0 when drained, {@link Double#POSITIVE_INFINITY} when some
   * partition is not gaining, {@code NaN} when unknown.
   */
  public double timeToDrainSeconds() {
    return TimeToDrain.ofGroup(partitions.stream().map(PartitionLag::timeToDrainSeconds).toList());
  }

  /** What {@link #timeToDrainSeconds()} says: drained, draining, never or unknown. */
  public TimeToDrain.Drain drain() {
    return TimeToDrain.Drain.of(timeToDrainSeconds());
  }

  /** The entry of one partition, if the group has committed offsets for it. */
  public Optional<PartitionLag> partition(String topic, int partition) {
    return partitions.stream()
        .filter(p -> p.topic().equals(topic) && p.partition() == partition)
        .findFirst();
  }
}
