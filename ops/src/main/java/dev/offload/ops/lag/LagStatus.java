package dev.offload.ops.lag;

/**
 * Health of one consumer group on one partition, or of a whole group, judged Burrow-style over a
 * sliding window of lag samples ({@link SampleWindow}, evaluated by {@link LagRules}).
 *
 * <p>The rules, applied to the samples of one group and partition, newest last; the first that
 * matches wins:
 *
 * <ol>
 *   <li>{@link #ERR}: the newest sample failed — the committed or log offsets could not be fetched,
 *       or the committed offset lies outside the log (below its start: records were deleted before
 *       they were consumed; beyond its end: the topic was recreated or truncated).
 *   <li>{@link #OK}: the newest sample has no lag.
 *   <li>{@link #STOP}: no member of the group owns the partition and the committed offset did not
 *       move over the window. One sample is enough: nobody is assigned the partition and there is
 *       no evidence of progress. A client that commits without joining the group (manual
 *       assignment) leaves STOP as soon as the window sees its commits move.
 *   <li>{@link #STALL}: the window is full, a member owns the partition, and the committed offset
 *       did not move across the whole window: the consumer is there but not progressing.
 *   <li>{@link #WARN}: the window is full, commits moved, and the lag never fell from one sample to
 *       the next and ends higher than it started: the consumer is falling behind.
 *   <li>{@link #OK}: anything else — lagging but keeping up or catching up.
 * </ol>
 *
 * <p>Only successful samples count for movement and fullness. A group's status is the worst of its
 * partitions' ({@code ERR > STOP > STALL > WARN > OK}), ERR when its offsets or members could not
 * be fetched, and OK when it has no committed offsets. The {@link #code() numeric code} is the
 * value of the {@code offload.consumer.lag.status} and {@code offload.consumer.lag.group.status}
 * gauges.
 */
public enum LagStatus {
  /** Caught up, or consuming at least as fast as records arrive. Code 0. */
  OK(0),
  /** Commits move but the lag grew over the whole window. Code 1. */
  WARN(1),
  /** A member owns the partition, lag is above zero and the commits did not move. Code 2. */
  STALL(2),
  /** No member owns the partition, lag is above zero and the commits did not move. Code 3. */
  STOP(3),
  /** The offsets could not be read, or the committed offset is outside the log. Code 4. */
  ERR(4);

  private final int code;

  LagStatus(int code) {
    this.code = code;
  }

  /** The numeric code exported by the status gauges: OK 0, WARN 1, STALL 2, STOP 3, ERR 4. */
  public int code() {
    return code;
  }

  /** The more severe of this status and {@code other}. */
  public LagStatus worst(LagStatus other) {
    return other.code > code ? other : this;
  }
}
