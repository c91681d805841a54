package dev.offload.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The benchmark runs end to end on a small load and reports every figure beside its baseline. No
 * timing is asserted: speed is measured by {@code offload bench}, not by tests.
 */
class IngestBenchmarkIT {

  @Test
  void aSmallRunDeliversEveryAcceptedEventAndReportsEachFigureWithItsBaseline() throws Exception {
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    BenchConfig config = new BenchConfig(300, 50, 8, 20, 100);
    BenchReport report =
        new IngestBenchmark(config, new PrintStream(progress, true, StandardCharsets.UTF_8)).run();

    assertThat(report.accepted()).isEqualTo(300);
    assertThat(report.delivered()).isEqualTo(300);
    assertThat(report.figures())
        .extracting(Figure::name)
        .containsExactly(
            "publish throughput",
            "publish latency p50",
            "publish latency p99",
            "publish latency p99.9",
            "publish->on Kafka throughput",
            "publish->on Kafka p50",
            "publish->on Kafka p99",
            "read events topic");
    assertThat(report.figures()).allSatisfy(f -> assertThat(f.offload()).isPositive());
    assertThat(report.figures()).allSatisfy(f -> assertThat(f.baseline()).isPositive());
    assertThat(progress.toString(StandardCharsets.UTF_8))
        .contains("publish over HTTP")
        .contains("raw INSERT + commit")
        .contains("300/300");

    ByteArrayOutputStream table = new ByteArrayOutputStream();
    report.print(new PrintStream(table, true, StandardCharsets.UTF_8));
    assertThat(table.toString(StandardCharsets.UTF_8))
        .contains("publish throughput (events/s)")
        .contains("INSERT+commit rows/s")
        .contains("delivered to Kafka: 300 of 300 accepted events");
  }
}
