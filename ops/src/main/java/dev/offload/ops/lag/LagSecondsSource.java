package dev.offload.ops.lag;

/** Where a partition's lag in seconds came from, from most to least precise. */
public enum LagSecondsSource {
  /** No lag: the lag in seconds is 0. */
  NONE,
  /**
   * Read from the timestamp of the oldest unconsumed record, fetched at the committed offset by the
   * monitor's own consumer (assign, seek, one fetch). Used whenever that read succeeds.
   */
  EXACT,
  /**
   * Estimated from the (log-end offset, time) pairs the monitor sampled: the time the log end
   * passed the committed offset, interpolated between the two samples around it, or extrapolated at
   * the sampled append rate when the committed offset predates the oldest pair. Used when the exact
   * read is disabled ({@link LagMonitorConfig#exactReads()}), timed out, or found no record
   * (deleted by retention or compaction, or not readable).
   */
  INTERPOLATED,
  /** Neither path gave an answer (for instance a single sample and no readable record). */
  UNKNOWN
}
