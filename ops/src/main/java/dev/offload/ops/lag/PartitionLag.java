package dev.offload.ops.lag;

import java.util.Objects;

/**
 * The lag of one group on one partition at one moment.
 *
 * @param topic topic name
 * @param partition partition number
 * @param committed the group's committed offset: the next record it will consume
 * @param logEnd the partition's log-end offset (high watermark); -1 when it could not be read
 * @param lagRecords records between the committed offset and the log end
 * @param lagSeconds age of the oldest unconsumed record in seconds; 0 without lag; {@code NaN} when
 *     unknown
 * @param secondsSource how {@code lagSeconds} was obtained
 * @param timeToDrainSeconds seconds until the lag reaches 0 at the consume and produce rates of the
 *     monitor's window ({@link TimeToDrain}): 0 without lag, {@link Double#POSITIVE_INFINITY} when
 *     the group is not gaining, {@code NaN} when unknown
 * @param status the partition's status over the monitor's window
 * @param owner the member that owns the partition ({@code client-id on host}), or {@code null}
 * @param error why the status is ERR, or {@code null}
 */
public record PartitionLag(
    String topic,
    int partition,
    long committed,
    long logEnd,
    long lagRecords,
    double lagSeconds,
    LagSecondsSource secondsSource,
    double timeToDrainSeconds,
    LagStatus status,
    String owner,
    String error) {

  /** Requires the names and the status. */
  public PartitionLag {
    Objects.requireNonNull(topic, "topic must be set");
    Objects.requireNonNull(secondsSource, "secondsSource must be set");
    Objects.requireNonNull(status, "status must be set");
  }

  /** Whether the lag in seconds is known. */
  public boolean hasLagSeconds() {
    return !Double.isNaN(lagSeconds);
  }

  /** What {@link #timeToDrainSeconds()} says: drained, draining, never or unknown. */
  public TimeToDrain.Drain drain() {
    return TimeToDrain.Drain.of(timeToDrainSeconds);
  }
}
