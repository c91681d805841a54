package dev.offload.bench;

import java.io.PrintStream;
import java.util.List;

/**
 * The result of a throughput benchmark: each processor's rate over the rounds (median and range),
 * then the ratios between them as a {@link BenchReport}, then what the figures say about the goals.
 *
 * @param title what was run, with its settings
 * @param unit unit of every rate, e.g. {@code records/s per thread}
 * @param rows every processor measured, baselines included
 * @param ratios Offload's figures beside their baselines (medians)
 * @param verdicts one line per goal: the goal, the figure and whether it was met
 */
public record ThroughputReport(
    String title, String unit, List<Throughput> rows, BenchReport ratios, List<String> verdicts) {

  /** Copies the lists. */
  public ThroughputReport {
    rows = List.copyOf(rows);
    verdicts = List.copyOf(verdicts);
  }

  /** The row of {@code name} in {@code mode}. */
  public Throughput row(String name, String mode) {
    return rows.stream()
        .filter(r -> r.name().equals(name) && r.mode().equals(mode))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no row " + name + " (" + mode + ")"));
  }

  /** Prints both tables and the verdicts. */
  public void print(PrintStream out) {
    out.println(title);
    out.printf("%-44s %12s %25s%n", "processor", "median", "range (min - max)");
    for (Throughput r : rows) {
      out.printf(
          "%-44s %12s %25s%n",
          r.label(), format(r.median()), format(r.min()) + " - " + format(r.max()));
    }
    out.println("(" + unit + ")");
    out.println();
    ratios.print(out);
    for (String verdict : verdicts) {
      out.println(verdict);
    }
  }

  private static String format(double v) {
    return String.format("%,.0f", v);
  }
}
