package dev.offload.ops.lag;

import java.time.Instant;
import java.util.Objects;

/**
 * What one poll of the lag monitor saw for one group on one partition.
 *
 * @param at when the sample was taken (the monitor's clock)
 * @param committed the group's committed offset, or -1 when the sample failed
 * @param logEnd the partition's log-end offset (high watermark), or -1 when the sample failed
 * @param consumerPresent whether a live member of the group owns the partition
 * @param lagSeconds age of the oldest unconsumed record at {@code at}, in seconds; 0 without lag;
 *     {@code NaN} when unknown or when the sample failed
 * @param error why the sample failed or is out of range, or {@code null} when it is sound
 */
public record LagSample(
    Instant at,
    long committed,
    long logEnd,
    boolean consumerPresent,
    double lagSeconds,
    String error) {

  /** Requires the time. */
  public LagSample {
    Objects.requireNonNull(at, "at must be set");
  }

  /** A sound sample whose lag in seconds is unknown. */
  public static LagSample of(Instant at, long committed, long logEnd, boolean consumerPresent) {
    return new LagSample(at, committed, logEnd, consumerPresent, Double.NaN, null);
  }

  /** A sound sample with its lag in seconds. */
  public static LagSample of(
      Instant at, long committed, long logEnd, boolean consumerPresent, double lagSeconds) {
    return new LagSample(at, committed, logEnd, consumerPresent, lagSeconds, null);
  }

  /** A failed sample. */
  public static LagSample failed(Instant at, String error) {
    return new LagSample(at, -1, -1, false, Double.NaN, Objects.requireNonNull(error, "error"));
  }

  /** Whether this sample failed (status ERR). */
  public boolean failed() {
    return error != null;
  }

  /** Records between the committed offset and the log end; 0 when the sample failed. */
  public long lag() {
    return failed() ? 0 : Math.max(0, logEnd - committed);
  }

  /** Whether the lag in seconds is known. */
  public boolean hasLagSeconds() {
    return !Double.isNaN(lagSeconds);
  }
}
