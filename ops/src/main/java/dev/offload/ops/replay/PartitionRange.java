package dev.offload.ops.replay;

/**
 * The offsets one partition replays: {@code [from, to)}.
 *
 * @param partition partition number
 * @param from first offset (inclusive)
 * @param to end offset (exclusive); equal to {@code from} when the partition has nothing to replay
 */
public record PartitionRange(int partition, long from, long to) {

  /** Validates the bounds. */
  public PartitionRange {
    if (partition < 0 || from < 0 || to < from) {
      throw new IllegalArgumentException(
          "range must have partition >= 0 and 0 <= from <= to, was p"
              + partition
              + " ["
              + from
              + ", "
              + to
              + ")");
    }
  }

  /** How many offsets the range spans: the records to scan (filters may copy fewer). */
  public long count() {
    return to - from;
  }
}
