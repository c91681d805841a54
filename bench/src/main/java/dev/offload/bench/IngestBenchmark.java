package dev.offload.bench;

import dev.offload.bench.internal.ArrivalTracker;
import dev.offload.bench.internal.BenchStack;
import dev.offload.bench.internal.HttpLoad;
import dev.offload.bench.internal.Latencies;
import dev.offload.bench.internal.Progress;
import dev.offload.bench.internal.RawBaselines;
import dev.offload.embedded.EmbeddedPostgres;
import dev.offload.schemas.Topics;
import dev.offload.schemas.config.ConfigChecks;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The end-to-end ingest benchmark: events published over HTTP, committed to the outbox, captured
 * into Kafka and read back, each figure beside the raw operation it rests on, measured in the same
 * run on the same embedded servers: INSERT + commit, a plain producer, a plain consumer.
 */
public final class IngestBenchmark {
  private static final String TYPE = "bench-event";

  private final BenchConfig config;
  private final PrintStream out;

  /** A benchmark with {@code config} that prints its progress to {@code out}. */
  public IngestBenchmark(BenchConfig config, PrintStream out) {
    this.config = ConfigChecks.check(config);
    this.out = out;
  }

  /** Starts the servers, runs every phase, stops the servers and returns the figures. */
  public BenchReport run() throws Exception {
    out.println("starting PostgreSQL, Kafka, the ingest API and the connector...");
    try (BenchStack stack = BenchStack.start()) {
      return run(stack);
    }
  }

  private BenchReport run(BenchStack stack) throws Exception {
    HttpLoad load =
        new HttpLoad(
            stack.apiUrl(), TYPE, config.concurrency(), config.keys(), config.payloadBytes());
    String payload = "{\"seq\":0,\"pad\":\"" + "x".repeat(config.payloadBytes() - 20) + "\"}";
    String topic = Topics.events(TYPE);
    int n = config.events();

    warmUp(load, stack, topic);
    Latencies insert = new Latencies();
    long insertNanos =
        RawBaselines.insert(
            stack.jdbcUrl(),
            EmbeddedPostgres.USER,
            n,
            config.concurrency(),
            payload,
            insert,
            progress("raw INSERT + commit", n));

    Latencies publish = new Latencies();
    long accepted;
    long publishNanos;
    long deliveredNanos;
    long delivered;
    Latencies endToEnd;
    try (ArrivalTracker arrivals = new ArrivalTracker(stack.bootstrapServers(), topic)) {
      long start = System.nanoTime();
      accepted =
          load.publish(
              config.warmupEvents(),
              config.warmupEvents() + n,
              arrivals::sent,
              publish,
              progress("publish over HTTP", n));
      publishNanos = System.nanoTime() - start;
      awaitArrivals(arrivals, accepted);
      deliveredNanos = System.nanoTime() - start;
      delivered = arrivals.arrived();
      endToEnd = arrivals.latencies();
    }

    Latencies sendToAck = new Latencies();
    String rawTopic = "bench-raw-" + System.nanoTime();
    long produceNanos =
        RawBaselines.produce(
            stack.bootstrapServers(),
            rawTopic,
            n,
            config.keys(),
            payload,
            sendToAck,
            progress("raw producer (acks=all)", n));
    long rawConsumeNanos =
        RawBaselines.consume(stack.bootstrapServers(), rawTopic, n, progress("raw consumer", n));
    long eventsConsumeNanos =
        RawBaselines.consume(
            stack.bootstrapServers(),
            topic,
            config.warmupEvents() + delivered,
            progress("read offload.events topic", config.warmupEvents() + delivered));

    List<Figure> figures = new ArrayList<>();
    figures.add(
        new Figure(
            "publish throughput",
            "events/s",
            rate(accepted, publishNanos),
            "INSERT+commit rows/s",
            rate(n, insertNanos)));
    figures.add(
        new Figure(
            "publish latency p50",
            "ms",
            publish.millisAt(50),
            "INSERT+commit p50",
            insert.millisAt(50)));
    figures.add(
        new Figure(
            "publish latency p99",
            "ms",
            publish.millisAt(99),
            "INSERT+commit p99",
            insert.millisAt(99)));
    figures.add(
        new Figure(
            "publish latency p99.9",
            "ms",
            publish.millisAt(99.9),
            "INSERT+commit p99.9",
            insert.millisAt(99.9)));
    figures.add(
        new Figure(
            "publish->on Kafka throughput",
            "events/s",
            rate(delivered, deliveredNanos),
            "raw producer rec/s",
            rate(n, produceNanos)));
    figures.add(
        new Figure(
            "publish->on Kafka p50",
            "ms",
            endToEnd.millisAt(50),
            "producer send->ack p50",
            sendToAck.millisAt(50)));
    figures.add(
        new Figure(
            "publish->on Kafka p99",
            "ms",
            endToEnd.millisAt(99),
            "producer send->ack p99",
            sendToAck.millisAt(99)));
    figures.add(
        new Figure(
            "read events topic",
            "rec/s",
            rate(config.warmupEvents() + delivered, eventsConsumeNanos),
            "raw consumer rec/s",
            rate(n, rawConsumeNanos)));
    String title =
        String.format(
            "offload bench: %,d events (+%,d warm-up), %d in flight, %d keys, ~%d-byte data",
            n, config.warmupEvents(), config.concurrency(), config.keys(), config.payloadBytes());
    return new BenchReport(title, List.copyOf(figures), delivered, accepted);
  }

  private void warmUp(HttpLoad load, BenchStack stack, String topic) throws Exception {
    // The first event creates the topic; the tracker of the measured phase starts at its end.
    load.publish(
        0,
        Math.max(1, config.warmupEvents()),
        seq -> {},
        new Latencies(),
        progress("warm-up", Math.max(1, config.warmupEvents())));
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      try (var probe = new ArrivalTracker(stack.bootstrapServers(), topic)) {
        return;
      } catch (RuntimeException e) {
        awaitQuietly(Duration.ofMillis(200));
      }
    }
    throw new IllegalStateException("topic " + topic + " did not appear after the warm-up");
  }

  private void awaitArrivals(ArrivalTracker arrivals, long expected) {
    Progress progress = progress("capture to Kafka", expected);
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (arrivals.arrived() < expected && System.nanoTime() < deadline) {
      progress.update(arrivals.arrived());
      awaitQuietly(Duration.ofMillis(50));
    }
    progress.finish(arrivals.arrived());
  }

  private Progress progress(String phase, long total) {
    return new Progress(out, phase, total);
  }

  private static void awaitQuietly(Duration d) {
    java.util.concurrent.locks.LockSupport.parkNanos(d.toNanos());
  }

  private static double rate(long count, long nanos) {
    return nanos <= 0 ? 0 : count / (nanos / 1e9);
  }
}
