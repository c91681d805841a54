package dev.offload.bench;

import java.io.PrintStream;
import java.util.List;

/**
 * The figures of one benchmark run, each beside its baseline.
 *
 * @param title what was run, with its settings
 * @param figures the figures in the order they are printed
 * @param delivered events that arrived on Kafka out of those accepted
 * @param accepted events answered with 202
 */
public record BenchReport(String title, List<Figure> figures, long delivered, long accepted) {

  /** Prints an aligned table. */
  public void print(PrintStream out) {
    out.println(title);
    out.printf(
        "%-34s %14s   %-28s %14s %8s%n", "figure", "offload", "baseline", "baseline", "ratio");
    for (Figure f : figures) {
      out.printf(
          "%-34s %14s   %-28s %14s %8s%n",
          f.name() + " (" + f.unit() + ")",
          format(f.offload()),
          f.baselineName(),
          format(f.baseline()),
          String.format("%.2f", f.ratio()));
    }
    if (accepted > 0) {
      out.printf("delivered to Kafka: %d of %d accepted events%n", delivered, accepted);
    }
  }

  private static String format(double v) {
    return v >= 100 ? String.format("%,.0f", v) : String.format("%.2f", v);
  }
}
