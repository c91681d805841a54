package dev.offload.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.schemas.config.ConfigChecks;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThroughputReportTest {

  @Test
  void theMedianOfAnOddCountIsTheMiddleSampleAndOfAnEvenCountTheMeanOfTheMiddleTwo() {
    assertThat(new Throughput("router", "at_least_once", List.of(30.0, 10.0, 20.0)).median())
        .isEqualTo(20.0);
    assertThat(new Throughput("router", "at_least_once", List.of(40.0, 10.0, 20.0, 30.0)).median())
        .isEqualTo(25.0);
  }

  @Test
  void theRangeIsTheLowestAndHighestSample() {
    Throughput t = new Throughput("raw loop", "at_least_once", List.of(5.0, 9.0, 7.0));
    assertThat(t.min()).isEqualTo(5.0);
    assertThat(t.max()).isEqualTo(9.0);
    assertThat(t.label()).isEqualTo("raw loop (at_least_once)");
  }

  @Test
  void aThroughputWithoutSamplesIsRefused() {
    assertThatThrownBy(() -> new Throughput("router", "exactly_once_v2", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("samples");
  }

  @Test
  void theReportPrintsEveryRowWithItsMedianAndRangeThenTheRatios() {
    Throughput a = new Throughput("router", "exactly_once_v2", List.of(800.0, 900.0, 1000.0));
    Throughput b = new Throughput("router", "at_least_once", List.of(1000.0, 1000.0, 1100.0));
    BenchReport ratios =
        new BenchReport(
            "ratios", List.of(new Figure("EOS / ALOS", "rec/s", 900, b.label(), 1000)), 0, 0);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new ThroughputReport("title", "rec/s", List.of(a, b), ratios, List.of("goal: 0.90 MET"))
        .print(new PrintStream(out, true, StandardCharsets.UTF_8));
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("router (exactly_once_v2)")
        .contains("800 - 1,000")
        .contains("1,000 - 1,100")
        .contains("0.90")
        .contains("goal: 0.90 MET");
  }

  @Test
  void configurationsNameTheFieldThatIsWrong() {
    assertThatThrownBy(() -> ConfigChecks.check(new ReplayBenchConfig(10, 0, true, 1)))
        .hasMessage("rounds must be at least 1, was: 0");
    assertThatThrownBy(
            () -> new StreamsBenchmark(new StreamsBenchConfig(10, 1, 0, Duration.ZERO, 1), null))
        .hasMessageStartingWith("commit-interval must be a positive duration");
    assertThatThrownBy(() -> ConfigChecks.check(new BenchConfig(1, 0, 1, 1, 9)))
        .hasMessage("payload-bytes must be at least 10, was: 9");
    assertThatThrownBy(() -> ConfigChecks.check(PipelineConfig.quick(null)))
        .hasMessage("mix must not be null");
    assertThatThrownBy(
            () -> new PipelineConfig(List.of(100, 100), 4, 5, null, 1, 1, Duration.ofSeconds(1)))
        .hasMessageStartingWith("rates must be at least 1 and increase");
  }
}
