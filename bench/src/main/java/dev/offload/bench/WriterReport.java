package dev.offload.bench;

import java.io.PrintStream;
import java.util.List;

/**
 * The figures of one {@link WriterBenchmark} run, one row per write path, side by side; the first
 * row is the raw baseline.
 *
 * @param title what was run, with its settings
 * @param rows the paths in the order they ran
 */
public record WriterReport(String title, List<Row> rows) {

  /**
   * One write path.
   *
   * @param path what commits each event
   * @param commitsPerSecond committed transactions per second
   * @param p50 transaction latency (statements + commit), median, in ms
   * @param p99 the same at the 99th percentile
   * @param p999 the same at the 99.9th percentile
   * @param onKafkaPerSecond events per second from the first commit to the last event read on
   *     Kafka; NaN for the baseline
   * @param delivered events counted on Kafka; -1 for the baseline
   * @param events events committed in the measured phase
   */
  public record Row(
      String path,
      double commitsPerSecond,
      double p50,
      double p99,
      double p999,
      double onKafkaPerSecond,
      long delivered,
      long events) {}

  /** Whether every outbox path delivered all its events to Kafka. */
  public boolean allDelivered() {
    return rows.stream().allMatch(r -> r.delivered() < 0 || r.delivered() == r.events());
  }

  /** Prints an aligned table, with each path's throughput as a ratio of the baseline's. */
  public void print(PrintStream out) {
    out.println(title);
    String format = "%-30s %11s %7s %9s %9s %10s %13s %11s%n";
    out.printf(
        format,
        "path",
        "commits/s",
        "ratio",
        "p50 ms",
        "p99 ms",
        "p99.9 ms",
        "on Kafka/s",
        "delivered");
    double baseline = rows.isEmpty() ? Double.NaN : rows.get(0).commitsPerSecond();
    for (Row r : rows) {
      out.printf(
          format,
          r.path(),
          String.format("%,.0f", r.commitsPerSecond()),
          String.format("%.2f", r.commitsPerSecond() / baseline),
          String.format("%.2f", r.p50()),
          String.format("%.2f", r.p99()),
          String.format("%.2f", r.p999()),
          Double.isNaN(r.onKafkaPerSecond()) ? "-" : String.format("%,.0f", r.onKafkaPerSecond()),
          r.delivered() < 0 ? "-" : r.delivered() + "/" + r.events());
    }
  }
}
