package dev.offload.bench;

import dev.offload.bench.jmh.SerdeBenchmark;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs {@link SerdeBenchmark} with JMH and reports Offload's serde beside raw Avro encoding,
 * measured in the same run.
 */
public final class SerdeBench {
  private SerdeBench() {}

  /**
   * Runs the benchmark.
   *
   * @param quick one short iteration in this JVM, to check that it runs; otherwise one fork with 3
   *     warm-up and 5 measured iterations of 2 s each
   */
  public static BenchReport run(boolean quick) throws RunnerException {
    ChainedOptionsBuilder options =
        new OptionsBuilder()
            .include(SerdeBenchmark.class.getName().replace("$", "\\$") + "\\.")
            .verbosity(quick ? VerboseMode.SILENT : VerboseMode.NORMAL)
            .shouldFailOnError(true);
    if (quick) {
      options
          .forks(0)
          .warmupIterations(1)
          .warmupTime(TimeValue.milliseconds(100))
          .measurementIterations(1)
          .measurementTime(TimeValue.milliseconds(200));
    } else {
      // Three forks: a single fork's score swung by more than half between JVMs on 2 cores.
      options
          .forks(3)
          .warmupIterations(5)
          .warmupTime(TimeValue.seconds(1))
          .measurementIterations(5)
          .measurementTime(TimeValue.seconds(2))
          .timeUnit(TimeUnit.SECONDS);
    }
    Collection<RunResult> results = new Runner(options.build()).run();
    double offload = score(results, "offloadSerde");
    double raw = score(results, "rawAvro");
    Figure figure =
        new Figure(
            "page-viewed serialize+deserialize", "ops/s", offload, "raw Avro binary ops/s", raw);
    String title =
        String.format(
            "offload bench serde (JMH%s): Confluent framing, schema-id caches and schema"
                + " resolution cost %.1f%% of raw Avro throughput",
            quick ? ", quick" : "", (1 - figure.ratio()) * 100);
    return new BenchReport(title, List.of(figure), 0, 0);
  }

  private static double score(Collection<RunResult> results, String method) {
    return results.stream()
        .filter(r -> r.getParams().getBenchmark().endsWith("." + method))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no JMH result for " + method))
        .getPrimaryResult()
        .getScore();
  }
}
