package dev.offload.bench;

/**
 * One measured figure beside the baseline it is compared with, both measured in the same run.
 *
 * @param name what is measured, e.g. {@code publish throughput}
 * @param unit unit of both values, e.g. {@code events/s} or {@code ms}
 * @param offload the value for Offload's path
 * @param baselineName what the baseline is, e.g. {@code raw INSERT + commit}
 * @param baseline the baseline's value
 */
public record Figure(
    String name, String unit, double offload, String baselineName, double baseline) {

  /** Offload's value divided by the baseline's. */
  public double ratio() {
    return baseline == 0 ? Double.NaN : offload / baseline;
  }
}
