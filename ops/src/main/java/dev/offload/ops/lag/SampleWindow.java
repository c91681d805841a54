package dev.offload.ops.lag;

import java.util.ArrayList;
import java.util.List;

/**
 * The newest {@code capacity} samples of one group on one partition, oldest first. Immutable:
 * {@link #append} returns a new window.
 *
 * @param capacity how many samples the window keeps; at least 2
 * @param samples the samples, oldest first, at most {@code capacity}
 */
public record SampleWindow(int capacity, List<LagSample> samples) {

  /** Validates the capacity and copies the samples. */
  public SampleWindow {
    if (capacity < 2) {
      throw new IllegalArgumentException("capacity must be at least 2, was " + capacity);
    }
    if (samples.size() > capacity) {
      throw new IllegalArgumentException(
          "samples must number at most capacity " + capacity + ", were " + samples.size());
    }
    samples = List.copyOf(samples);
  }

  /** An empty window. */
  public static SampleWindow empty(int capacity) {
    return new SampleWindow(capacity, List.of());
  }

  /** A window of these samples, oldest first. */
  public static SampleWindow of(int capacity, LagSample... samples) {
    SampleWindow window = empty(capacity);
    for (LagSample sample : samples) {
      window = window.append(sample);
    }
    return window;
  }

  /** This window with {@code sample} as its newest, dropping the oldest when full. */
  public SampleWindow append(LagSample sample) {
    List<LagSample> next = new ArrayList<>(samples);
    next.add(sample);
    if (next.size() > capacity) {
      next.remove(0);
    }
    return new SampleWindow(capacity, next);
  }

  /** The newest sample; the window must not be empty. */
  public LagSample newest() {
    if (samples.isEmpty()) {
      throw new IllegalStateException("the window is empty");
    }
    return samples.get(samples.size() - 1);
  }

  /** The samples that did not fail, oldest first. */
  public List<LagSample> successful() {
    return samples.stream().filter(s -> !s.failed()).toList();
  }
}
