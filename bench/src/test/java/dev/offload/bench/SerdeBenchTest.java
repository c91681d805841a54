package dev.offload.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The JMH benchmark runs and reports Offload's serde beside raw Avro; no timing is asserted. */
class SerdeBenchTest {

  @Test
  void aQuickRunReportsBothScores() throws Exception {
    BenchReport report = SerdeBench.run(true);
    assertThat(report.figures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.name()).isEqualTo("page-viewed serialize+deserialize");
              assertThat(f.offload()).isPositive();
              assertThat(f.baseline()).isPositive();
            });
    assertThat(report.title()).contains("of raw Avro throughput");
  }
}
