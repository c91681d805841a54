package dev.offload.app;

import dev.offload.bench.BenchConfig;
import dev.offload.bench.BenchReport;
import dev.offload.bench.IngestBenchmark;
import dev.offload.bench.IngestRateBenchmark;
import dev.offload.bench.IngestRateConfig;
import dev.offload.bench.SerdeBench;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code offload bench}: measures the ingest path beside its raw baselines. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    subcommands = {BenchCommand.Serde.class, BenchCommand.Ingest.class},
    description = {
      "Measure the ingest path on fresh embedded servers: HTTP publish, outbox commit, capture into",
      "Kafka and reading back, each figure printed beside the raw operation it rests on (INSERT +",
      "commit, a plain acks=all producer, a plain consumer), measured in the same run."
    })
final class BenchCommand implements Callable<Integer> {
  @Option(
      names = "--events",
      defaultValue = "20000",
      description = "Measured events (default: ${DEFAULT-VALUE}).")
  int events;

  @Option(
      names = "--warmup",
      defaultValue = "1000",
      description = "Unmeasured warm-up events (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--concurrency",
      defaultValue = "16",
      description = "Requests in flight (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--keys",
      defaultValue = "100",
      description = "Distinct keys (default: ${DEFAULT-VALUE}).")
  int keys;

  @Option(
      names = "--payload-bytes",
      defaultValue = "200",
      description = "Approximate event data size (default: ${DEFAULT-VALUE}).")
  int payloadBytes;

  @Override
  public Integer call() throws Exception {
    BenchConfig config = new BenchConfig(events, warmup, concurrency, keys, payloadBytes);
    BenchReport report = new IngestBenchmark(config, System.err).run();
    report.print(System.out);
    return report.delivered() == report.accepted() ? 0 : 1;
  }

  /** {@code offload bench ingest}: the ingest API's rate and latency beside raw INSERTs. */
  @Command(
      name = "ingest",
      mixinStandardHelpOptions = true,
      description = {
        "Saturate the ingest API with single and batch requests, then load it at a constant",
        "arrival rate (open loop) for acknowledgement latency p50/p99/p99.9; beside single-row",
        "INSERT + commit over JDBC on the same PostgreSQL with the same concurrency, same run."
      })
  static final class Ingest implements Callable<Integer> {
    @Option(
        names = "--events",
        defaultValue = "20000",
        description = "Events per saturated phase (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(
        names = "--concurrency",
        defaultValue = "64",
        description = "Requests in flight and JDBC connections (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(
        names = "--batch-size",
        defaultValue = "50",
        description = "Events per batch request (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
        names = "--seconds",
        defaultValue = "20",
        description = "Length of each constant-rate phase (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(
        names = "--load",
        defaultValue = "0.5",
        description = "Constant rate as a share of saturation (default: ${DEFAULT-VALUE}).")
    double load;

    @Option(
        names = "--keys",
        defaultValue = "100",
        description = "Distinct keys (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(
        names = "--payload-bytes",
        defaultValue = "200",
        description = "Approximate event data size (default: ${DEFAULT-VALUE}).")
    int payloadBytes;

    @Override
    public Integer call() throws Exception {
      IngestRateConfig config =
          new IngestRateConfig(events, concurrency, batchSize, seconds, load, keys, payloadBytes);
      IngestRateBenchmark benchmark = new IngestRateBenchmark(config, System.err);
      benchmark.run().print(System.out);
      return benchmark.refused() == 0 ? 0 : 1;
    }
  }

  /** {@code offload bench serde}: the JMH serde benchmark. */
  @Command(
      name = "serde",
      mixinStandardHelpOptions = true,
      description = {
        "JMH: serialize + deserialize of a page-viewed record with Offload's Confluent wire-format",
        "serde, beside Avro's raw binary encoder and decoder in the same run (about 2 minutes)."
      })
  static final class Serde implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      SerdeBench.run(false).print(System.out);
      return 0;
    }
  }
}
