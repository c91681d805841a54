package dev.offload.app;

import dev.offload.bench.BenchConfig;
import dev.offload.bench.BenchReport;
import dev.offload.bench.IngestBenchmark;
import dev.offload.bench.SerdeBench;
import dev.offload.bench.WriterBenchmark;
import dev.offload.bench.WriterReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code offload bench}: measures the ingest path beside its raw baselines. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    subcommands = {BenchCommand.Serde.class, BenchCommand.Writer.class},
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

  /** {@code offload bench writer}: OutboxWriter in both outbox modes beside a raw INSERT. */
  @Command(
      name = "writer",
      mixinStandardHelpOptions = true,
      description = {
        "Measure OutboxWriter on fresh embedded servers: one event per transaction committed in",
        "table mode (INSERT + DELETE of an outbox row), in message mode (pg_logical_emit_message)",
        "and, as the baseline, a raw JDBC INSERT of the same payload size + COMMIT; same",
        "connections, same PostgreSQL, one run, with the connector capturing to Kafka throughout."
      })
  static final class Writer implements Callable<Integer> {
    @Option(
        names = "--events",
        defaultValue = "20000",
        description = "Measured transactions per path (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(
        names = "--warmup",
        defaultValue = "1000",
        description = "Unmeasured warm-up transactions per path (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(
        names = "--concurrency",
        defaultValue = "16",
        description = "JDBC connections writing at once (default: ${DEFAULT-VALUE}).")
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
      WriterReport report = new WriterBenchmark(config, System.err).run();
      report.print(System.out);
      return report.allDelivered() ? 0 : 1;
    }
  }
}
