package dev.offload.consumers.ordering;

/**
 * Which records a worker may handle at the same time.
 *
 * <p>Whatever the policy, at most {@code maxInFlight} records are handled at once, and a
 * partition's offsets are committed only below the first record that is not done.
 */
public enum Ordering {
  /**
   * The default: records with the same key are handled one at a time, in offset order; records of
   * different keys run in parallel, beyond the partition count. Records without a key are ordered
   * by their partition.
   */
  KEY,

  /** Records of one partition are handled one at a time, in offset order. */
  PARTITION,

  /** No order at all: every record may run as soon as there is room. */
  UNORDERED
}
