package dev.offload.bench.internal;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** A thread-safe latency histogram in microseconds, up to one hour, 3 significant digits. */
public final class Latencies {
  private final Histogram histogram = new ConcurrentHistogram(3_600_000_000L, 3);

  /** Records a latency given in nanoseconds. */
  public void recordNanos(long nanos) {
    histogram.recordValue(
        Math.max(1, Math.min(nanos / 1_000, histogram.getHighestTrackableValue())));
  }

  /** The latency at {@code percentile} (0–100) in milliseconds. */
  public double millisAt(double percentile) {
    return histogram.getValueAtPercentile(percentile) / 1_000.0;
  }

  /** Adds every latency {@code other} recorded. */
  public void add(Latencies other) {
    histogram.add(other.histogram);
  }

  /** How many latencies were recorded. */
  public long count() {
    return histogram.getTotalCount();
  }
}
