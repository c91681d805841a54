package dev.offload.bench;

import java.util.List;

/**
 * The measured rates of one processor, one sample per round.
 *
 * @param name the processor, e.g. {@code router}
 * @param mode how it ran, e.g. {@code exactly_once_v2}
 * @param samples records per second per thread, one per round, in the order measured
 */
public record Throughput(String name, String mode, List<Double> samples) {

  /** Requires at least one sample; copies the list. */
  public Throughput {
    if (samples == null || samples.isEmpty()) {
      throw new IllegalArgumentException("samples: at least one is required for " + name);
    }
    samples = List.copyOf(samples);
  }

  /** The median sample (the mean of the middle two for an even count). */
  public double median() {
    List<Double> sorted = samples.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** The lowest sample. */
  public double min() {
    return samples.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
  }

  /** The highest sample. */
  public double max() {
    return samples.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
  }

  /** {@code name (mode)}. */
  public String label() {
    return name + " (" + mode + ")";
  }
}
