package dev.offload.app;

import dev.offload.bench.BenchConfig;
import dev.offload.bench.BenchReport;
import dev.offload.bench.IngestBenchmark;
import dev.offload.bench.SerdeBench;
import dev.offload.bench.WorkersBench;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code offload bench}: measures the ingest path beside its raw baselines. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    subcommands = {BenchCommand.Serde.class, BenchCommand.Workers.class},
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

  /** {@code offload bench workers}: the worker framework beside plain consumers. */
  @Command(
      name = "workers",
      mixinStandardHelpOptions = true,
      description = {
        "On a fresh embedded broker (12 partitions, 2,000 keys, 20 ms of simulated I/O per record):",
        "throughput of an Offload worker at maxInFlight 256 beside a plain KafkaConsumer",
        "poll-handle-commit loop (one consumer, then one per partition) on the same topic; then",
        "the other keys' latency percentiles (HdrHistogram) with and without one key stuck for 5 s.",
        "About a minute; --quick takes about half."
      })
  static final class Workers implements Callable<Integer> {
    @Option(
        names = "--quick",
        description = "A short run with fewer records, to check that it works.")
    boolean quick;

    @Override
    public Integer call() throws Exception {
      WorkersBench.Settings settings =
          quick ? WorkersBench.Settings.quick() : WorkersBench.Settings.full();
      new WorkersBench(settings, System.err).run().print(System.out);
      return 0;
    }
  }
}
