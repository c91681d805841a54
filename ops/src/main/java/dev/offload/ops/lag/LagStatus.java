package dev.offload.ops.lag;

/**
 * Health of one consumer group on one partition, or of a whole group, judged over a sliding window
 * of lag samples ({@link SampleWindow}, evaluated by {@link LagRules}) against the group's lag
 * objective in seconds ({@link LagObjectives}, default 60 s).
 *
 * <p>The rules, applied to the samples of one group and partition, newest last; the first that
 * matches wins. "Over the objective" means the newest sample's lag in seconds (the age of the
 * oldest unconsumed record) is known and above the group's objective. "Full" means the window holds
 * {@link SampleWindow#capacity()} successful samples.
 *
 * <ol>
 *   <li>{@link #ERR}: the newest sample failed — the committed or log offsets could not be fetched,
 *       or the committed offset lies outside the log (below its start: records were deleted before
 *       they were consumed; beyond its end: the topic was recreated or truncated).
 *   <li>{@link #OK}: the newest sample has no lag.
 *   <li>{@link #ERR}: over the objective, the window is full, and the lag in records (or in
 *       seconds, while the records did not fall) never fell from one sample to the next and ends
 *       higher than it started: behind and still falling further behind. A group working off a
 *       backlog of old records, whose records fall while their age rises, is catching up: WARN.
 *       This wins over STOP and STALL, which are the usual causes.
 *   <li>{@link #STOP}: no member of the group owns the partition and the committed offset did not
 *       move over the window. One sample is enough: nobody is assigned the partition and there is
 *       no evidence of progress. A client that commits without joining the group (manual
 *       assignment) leaves STOP as soon as the window sees its commits move.
 *   <li>{@link #STALL}: the window is full, a member owns the partition, and the committed offset
 *       did not move across the whole window: the consumer is there but not progressing.
 *   <li>{@link #WARN}: over the objective: behind, though not (yet) shown to be growing.
 *   <li>{@link #WARN}: the lag in seconds is unknown, the window is full, commits moved, and the
 *       lag in records never fell from one sample to the next and ends higher than it started.
 *   <li>{@link #OK}: anything else — within the objective.
 * </ol>
 *
 * <p>Only successful samples count for movement and fullness. So a one-shot read (one sample) shows
 * OK, WARN, STOP or ERR; STALL and the growing ERR need a full window. A group's status is the
 * worst of its partitions' ({@code ERR > STOP > STALL > WARN > OK}), ERR when its offsets or
 * members could not be fetched, and OK when it has no committed offsets. The {@link #code() numeric
 * code} is the value of the {@code offload.consumer.lag.status} and {@code
 * offload.consumer.lag.group.status} gauges.
 */
public enum LagStatus {
  /** Caught up, or behind by no more than the group's objective. Code 0. */
  OK(0),
  /**
   * Behind by more than the group's objective (or, with the lag in seconds unknown, the lag in
   * records grew over the whole window). Code 1.
   */
  WARN(1),
  /** A member owns the partition, lag is above zero and the commits did not move. Code 2. */
  STALL(2),
  /** No member owns the partition, lag is above zero and the commits did not move. Code 3. */
  STOP(3),
  /**
   * Behind by more than the objective and still growing over the whole window; or the offsets could
   * not be read, or the committed offset is outside the log. Code 4.
   */
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
