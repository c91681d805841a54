package dev.offload.ops.replay;

import java.util.List;
import java.util.Objects;

/**
 * What a replay will copy: per partition an offset range, computed by {@link ReplayPlanner}.
 *
 * @param request the request the plan answers
 * @param ranges one range per partition, by partition
 */
public record ReplayPlan(ReplayRequest request, List<PartitionRange> ranges) {

  /** Copies the ranges and requires the request. */
  public ReplayPlan {
    Objects.requireNonNull(request, "request must be set");
    ranges = List.copyOf(ranges);
  }

  /** Records to scan over every partition (the filters may copy fewer). */
  public long total() {
    return ranges.stream().mapToLong(PartitionRange::count).sum();
  }
}
