package dev.offload.ops.lag;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one poll of the {@link LagMonitor} saw: groups by id, each with its partitions.
 * Immutable, so the CLI and the dashboard can read it from any thread.
 *
 * @param takenAt when the poll ran (the monitor's clock); {@link Instant#EPOCH} before the first
 * @param groups the groups, sorted by id
 */
public record LagSnapshot(Instant takenAt, List<GroupLag> groups) {

  /** Copies the list and requires the time. */
  public LagSnapshot {
    Objects.requireNonNull(takenAt, "takenAt must be set");
    groups = List.copyOf(groups);
  }

  /** The snapshot before the first poll: no groups. */
  public static LagSnapshot empty() {
    return new LagSnapshot(Instant.EPOCH, List.of());
  }

  /** One group, if the poll saw it. */
  public Optional<GroupLag> group(String group) {
    return groups.stream().filter(g -> g.group().equals(group)).findFirst();
  }
}
