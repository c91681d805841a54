package dev.offload.bench.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How fast a freshly started server answers while the JIT compiles its hot path: the requests
 * started in each interval of a closed loop (each starts when one ends, so starts per second is the
 * rate the server sustains), from the first request on.
 */
public final class WarmUpCurve {
  private static final int MAX_INTERVALS = 360;

  private final long intervalNanos;
  private final AtomicLongArray starts = new AtomicLongArray(MAX_INTERVALS);
  private volatile long origin;
  private volatile long last;

  /** A curve of {@code intervalSeconds}-second points. */
  public WarmUpCurve(int intervalSeconds) {
    this.intervalNanos = intervalSeconds * 1_000_000_000L;
  }

  /** A request starts now. */
  public void started() {
    long now = System.nanoTime();
    if (origin == 0) {
      synchronized (this) {
        if (origin == 0) {
          origin = now;
        }
      }
    }
    last = now;
    int i = (int) ((now - origin) / intervalNanos);
    if (i < MAX_INTERVALS) {
      starts.incrementAndGet(i);
    }
  }

  /** Requests per second in each whole interval, the first first. */
  public List<Double> rates() {
    List<Double> rates = new ArrayList<>();
    if (origin == 0) {
      return rates;
    }
    int whole = (int) Math.min(MAX_INTERVALS, (last - origin) / intervalNanos);
    for (int i = 0; i < whole; i++) {
      rates.add(starts.get(i) / (intervalNanos / 1e9));
    }
    return rates;
  }

  /** The mean rate of the first {@code intervals} whole intervals, or NaN when there are fewer. */
  public double meanOfFirst(int intervals) {
    List<Double> rates = rates();
    if (rates.size() < intervals) {
      return Double.NaN;
    }
    return rates.subList(0, intervals).stream()
        .mapToDouble(Double::doubleValue)
        .average()
        .orElse(0);
  }
}
