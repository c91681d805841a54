package dev.offload.app;

import dev.offload.bench.BenchConfig;
import dev.offload.bench.BenchReport;
import dev.offload.bench.IngestBenchmark;
import dev.offload.bench.IngestRateBenchmark;
import dev.offload.bench.IngestRateConfig;
import dev.offload.bench.ReplayBenchConfig;
import dev.offload.bench.ReplayBenchmark;
import dev.offload.bench.SerdeBench;
import dev.offload.bench.SinksBench;
import dev.offload.bench.StreamsBenchConfig;
import dev.offload.bench.StreamsBenchmark;
import dev.offload.bench.WorkersBench;
import dev.offload.bench.WriterBenchmark;
import dev.offload.bench.WriterReport;
import dev.offload.schemas.outbox.OutboxMode;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code offload bench}: measures the ingest path beside its raw baselines. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    subcommands = {
      BenchCommand.Ingest.class,
      BenchCommand.Serde.class,
      BenchCommand.Writer.class,
      BenchCommand.Streams.class,
      BenchCommand.Replay.class,
      BenchCommand.Workers.class,
      BenchPipelineCommand.class
    },
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

    @Option(
        names = "--warmup-events",
        defaultValue = "100000",
        description =
            "Single events (and as many in batches and raw INSERTs) sent unmeasured first, so"
                + " that every path runs compiled code (default: ${DEFAULT-VALUE}).")
    int warmupEvents;

    @Option(
        names = "--rounds",
        defaultValue = "5",
        description =
            "Saturation rounds of raw, single and batch in rotating order; the figures are the"
                + " medians (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
        names = "--outbox-mode",
        defaultValue = "table",
        converter = DevCommand.OutboxModeConverter.class,
        description =
            "How the API writes events: table (outbox rows) or message (logical decoding"
                + " messages) (default: ${DEFAULT-VALUE}).")
    OutboxMode outboxMode;

    @Override
    public Integer call() throws Exception {
      IngestRateConfig config =
          new IngestRateConfig(
              events,
              concurrency,
              batchSize,
              seconds,
              load,
              keys,
              payloadBytes,
              warmupEvents,
              rounds,
              outboxMode);
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

  /** {@code offload bench streams}: the stream processors beside a raw consume-produce loop. */
  @Command(
      name = "streams",
      mixinStandardHelpOptions = true,
      description = {
        "Records/s per stream thread of the router and analytics topologies, each under",
        "exactly_once_v2 and at_least_once, beside a raw consume-transform-produce loop (plain",
        "consumer + producer doing the router's routing), all draining the same preloaded Avro",
        "events on a fresh embedded Kafka broker, in rotating order over several rounds.",
        "Each round also prints the JVM's CPU time (broker included) per input record.",
        "Prints the median and range of each, the ratios EOS/ALOS and router/raw, and the goals."
      })
  static final class Streams implements Callable<Integer> {
    @Option(
        names = "--events",
        defaultValue = "100000",
        description = "Events preloaded and drained by each processor (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(
        names = "--rounds",
        defaultValue = "3",
        description =
            "Rounds; each processor drains the events once per round (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
        names = "--warmup",
        defaultValue = "20000",
        description =
            "Events each processor drains once, unmeasured, first; 0 for none (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(
        names = "--commit-interval",
        defaultValue = "100ms",
        converter = DurationConverter.class,
        description =
            "commit.interval.ms of the topologies and the raw loop (default: ${DEFAULT-VALUE}).")
    Duration commitInterval;

    @Option(
        names = "--keys",
        defaultValue = "1000",
        description = "Distinct keys (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(
        names = "--quick",
        description =
            "A check that it runs: 2,000 events, one round, no warm-up; other sizes ignored.")
    boolean quick;

    @Override
    public Integer call() throws Exception {
      StreamsBenchConfig config =
          quick
              ? StreamsBenchConfig.quick()
              : new StreamsBenchConfig(events, rounds, warmup, commitInterval, keys);
      new StreamsBenchmark(config, System.err).run().print(System.out);
      return 0;
    }
  }

  /** {@code offload bench replay}: the replayer beside a raw consumer-to-producer copy. */
  @Command(
      name = "replay",
      mixinStandardHelpOptions = true,
      description = {
        "Records/s of offload replay (the Replayer copying a range of an events topic into a new",
        "topic, unthrottled) beside a raw consumer-to-producer copy of the same range, taking",
        "turns on a fresh embedded Kafka broker over several rounds."
      })
  static final class Replay implements Callable<Integer> {
    @Option(
        names = "--events",
        defaultValue = "200000",
        description =
            "Records preloaded and copied by each side per round (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(
        names = "--rounds",
        defaultValue = "3",
        description = "Measured rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
        names = "--quick",
        description =
            "A check that it runs: 2,000 events, one round, no warm-up; other sizes ignored.")
    boolean quick;

    @Override
    public Integer call() throws Exception {
      ReplayBenchConfig config =
          quick ? ReplayBenchConfig.quick() : new ReplayBenchConfig(events, rounds, true, 1_000);
      new ReplayBenchmark(config, System.err).run().print(System.out);
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

  /** {@code offload bench workers}: the worker framework beside plain consumers. */
  @Command(
      name = "workers",
      mixinStandardHelpOptions = true,
      description = {
        "On a fresh embedded broker (12 partitions, 2,000 keys, 20 ms of simulated I/O per record):",
        "throughput of an Offload worker at maxInFlight 256 beside a plain KafkaConsumer",
        "poll-handle-commit loop (one consumer, then one per partition) on the same topic; then",
        "the other keys' latency percentiles (HdrHistogram) with and without one key stuck for 5 s,",
        "in alternating phases on one worker, and the p99 the stuck key adds beside the goal (50 ms).",
        "Then the real handlers on fresh embedded servers: the analytics worker into the PostgreSQL",
        "rollup, the index worker into Lucene, the email worker to the embedded SMTP server, each",
        "after a warm-up topic, beside the same handler called alone without Kafka.",
        "A few minutes; --quick takes about a minute."
      })
  static final class Workers implements Callable<Integer> {
    @Option(
        names = "--quick",
        description = "A short run with fewer records, to check that it works.")
    boolean quick;

    @Option(
        names = "--only",
        description =
            "Run only one part: simulated (the worker framework with simulated I/O beside plain"
                + " consumers) or sinks (the email, index and analytics workers with their real"
                + " SMTP, Lucene and PostgreSQL sinks beside each handler alone). Default: both.")
    String only;

    @Override
    public Integer call() throws Exception {
      if (only != null && !only.equals("simulated") && !only.equals("sinks")) {
        System.err.println("offload: --only must be simulated or sinks, was " + only);
        return 2;
      }
      if (only == null || only.equals("simulated")) {
        WorkersBench.Settings settings =
            quick ? WorkersBench.Settings.quick() : WorkersBench.Settings.full();
        new WorkersBench(settings, System.err).run().print(System.out);
      }
      if (only == null || only.equals("sinks")) {
        SinksBench.Settings sinks =
            quick ? SinksBench.Settings.quick() : SinksBench.Settings.full();
        new SinksBench(sinks, System.err).run().print(System.out);
      }
      return 0;
    }
  }
}
