package dev.offload.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The writer benchmark runs its three paths on a small load, delivers every outbox event of both
 * modes and prints them side by side. No timing is asserted.
 */
class WriterBenchmarkIT {
  @Test
  void aSmallRunDeliversBothModesAndPrintsThreePathsSideBySide() throws Exception {
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    BenchConfig config = new BenchConfig(200, 20, 4, 10, 100);

    WriterReport report =
        new WriterBenchmark(config, new PrintStream(progress, true, StandardCharsets.UTF_8)).run();

    assertThat(report.rows())
        .extracting(WriterReport.Row::path)
        .containsExactly(
            "raw INSERT + COMMIT", "OutboxWriter table + COMMIT", "OutboxWriter message + COMMIT");
    assertThat(report.rows().subList(1, 3))
        .allSatisfy(r -> assertThat(r.delivered()).isEqualTo(200));
    assertThat(report.rows()).allSatisfy(r -> assertThat(r.commitsPerSecond()).isPositive());
    assertThat(report.allDelivered()).isTrue();
    ByteArrayOutputStream table = new ByteArrayOutputStream();
    report.print(new PrintStream(table, true, StandardCharsets.UTF_8));
    assertThat(table.toString(StandardCharsets.UTF_8))
        .contains("commits/s")
        .contains("OutboxWriter message + COMMIT")
        .contains("200/200");
  }
}
