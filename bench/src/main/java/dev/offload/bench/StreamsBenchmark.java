package dev.offload.bench;

import dev.offload.bench.internal.BenchKafka;
import dev.offload.bench.internal.CommitWatch;
import dev.offload.bench.internal.EventLoad;
import dev.offload.bench.internal.Progress;
import dev.offload.bench.internal.RawRouteLoop;
import dev.offload.schemas.BuiltInEventTypes;
import dev.offload.schemas.Topics;
import dev.offload.schemas.config.ConfigChecks;
import dev.offload.schemas.kafka.KafkaConfig;
import dev.offload.streams.ProcessingGuarantee;
import dev.offload.streams.StreamsConfiguration;
import dev.offload.streams.StreamsRunner;
import dev.offload.streams.TopologyCatalog;
import dev.offload.streams.analytics.AnalyticsConfig;
import dev.offload.streams.analytics.CountDimension;
import dev.offload.streams.analytics.CountWindow;
import dev.offload.streams.router.RouterConfig;
import dev.offload.streams.router.UnknownTypes;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The stream-processing benchmark: the built-in {@code router} and {@code analytics} topologies,
 * each under {@code exactly_once_v2} and {@code at_least_once}, beside a raw consume-transform-
 * produce loop (plain consumer and producer doing the router's work), all draining the same
 * preloaded Avro events on the same embedded broker in the same run.
 *
 * <p>Each processor runs as Offload runs it ({@link StreamsRunner}, one instance, one stream
 * thread) under a fresh application id, so each reads the input from the beginning. Its rate is the
 * input records divided by the time from the moment it is running with partitions assigned until
 * its committed offsets reach the end of the input (and of its repartition topics). Processors take
 * turns in a rotating order, round after round, so drift on a shared machine hits them alike.
 */
public final class StreamsBenchmark {
  static final String RAW = "raw loop";
  static final String ROUTER = "router";
  static final String ANALYTICS = "analytics";
  static final String EOS = "exactly_once_v2";
  static final String ALOS = "at_least_once";
  private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(10);
  private static final int PARTITIONS = 3;
  private static final String WARMUP_PREFIX = "warmup.";

  private static final List<Processor> PROCESSORS =
      List.of(
          new Processor(RAW, ALOS, null),
          new Processor(ROUTER, EOS, ProcessingGuarantee.EXACTLY_ONCE_V2),
          new Processor(ROUTER, ALOS, ProcessingGuarantee.AT_LEAST_ONCE),
          new Processor(ANALYTICS, EOS, ProcessingGuarantee.EXACTLY_ONCE_V2),
          new Processor(ANALYTICS, ALOS, ProcessingGuarantee.AT_LEAST_ONCE));

  private final StreamsBenchConfig config;
  private final PrintStream out;

  /** A benchmark with {@code config} that prints its progress to {@code out}. */
  public StreamsBenchmark(StreamsBenchConfig config, PrintStream out) {
    this.config = ConfigChecks.check(config);
    this.out = out;
  }

  /** Starts Kafka, preloads the events, drains them with every processor and stops Kafka. */
  public ThroughputReport run() throws Exception {
    out.println("starting Kafka...");
    try (BenchKafka kafka = BenchKafka.start();
        CommitWatch watch = new CommitWatch(kafka.bootstrapServers())) {
      return run(kafka, watch);
    }
  }

  private ThroughputReport run(BenchKafka kafka, CommitWatch watch) throws Exception {
    String bootstrap = kafka.bootstrapServers();
    if (config.warmupEvents() > 0) {
      Map<TopicPartition, Long> warmupEnds =
          preload(bootstrap, WARMUP_PREFIX, config.warmupEvents(), "preload warm-up events");
      Pattern warmupInput = Pattern.compile(Pattern.quote(WARMUP_PREFIX) + Topics.ALL_EVENTS);
      for (Processor p : PROCESSORS) {
        drain(kafka, watch, p, warmupInput, warmupEnds, config.warmupEvents(), "w");
        out.println("warm-up: " + p.label() + " done");
      }
    }
    Map<TopicPartition, Long> ends = preload(bootstrap, "", config.events(), "preload events");
    Map<Processor, List<Double>> samples = new LinkedHashMap<>();
    PROCESSORS.forEach(p -> samples.put(p, new ArrayList<>()));
    for (int round = 0; round < config.rounds(); round++) {
      for (int i = 0; i < PROCESSORS.size(); i++) {
        Processor p = PROCESSORS.get((i + round) % PROCESSORS.size());
        long cpuBefore = processCpuNanos();
        double rate =
            drain(kafka, watch, p, Topics.ALL_EVENTS, ends, config.events(), "r" + (round + 1));
        double cpuMicros = (processCpuNanos() - cpuBefore) / 1e3 / config.events();
        samples.get(p).add(rate);
        out.printf(
            "round %d/%d: %-34s %,10.0f records/s %8.1f us CPU/record%n",
            round + 1, config.rounds(), p.label(), rate, cpuMicros);
      }
    }
    List<Throughput> rows = new ArrayList<>();
    samples.forEach((p, s) -> rows.add(new Throughput(p.name(), p.mode(), s)));
    return report(rows);
  }

  /**
   * CPU time of this whole JVM (the broker's threads included), which other processes on a shared
   * machine disturb far less than the wall clock; printed per input record beside each rate.
   */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private Map<TopicPartition, Long> preload(
      String bootstrap, String prefix, int events, String phase) {
    return EventLoad.preload(
        bootstrap,
        BuiltInEventTypes.all(),
        type -> prefix + Topics.events(type),
        PARTITIONS,
        events,
        config.keys(),
        new Progress(out, phase, events));
  }

  /** Runs {@code p} until it has drained the input; returns input records/s per thread. */
  private double drain(
      BenchKafka kafka,
      CommitWatch watch,
      Processor p,
      Pattern input,
      Map<TopicPartition, Long> ends,
      long events,
      String tag)
      throws InterruptedException {
    String id = "bench-" + p.id() + "-" + tag;
    // Output topics exist before the clock starts, as they do in production after the first run.
    EventLoad.createTopics(kafka.bootstrapServers(), outputTopics(p, input, id), PARTITIONS);
    long start;
    long done;
    if (p.guarantee() == null) {
      RouterConfig routes = routerConfig(input, id);
      try (RawRouteLoop loop =
          RawRouteLoop.start(
              kafka.bootstrapServers(), id, input, routes::destinations, config.commitInterval())) {
        start = awaitStarted(id, loop::assignedAt, loop::failed);
        done = watch.awaitDrained(id, ends, DRAIN_TIMEOUT, loop::failed);
      }
    } else {
      StreamsConfiguration streams = streamsConfiguration(kafka, p, input, id);
      try (StreamsRunner runner =
          StreamsRunner.start(TopologyCatalog.builtIns().require(p.name()), streams)) {
        start =
            awaitStarted(
                id,
                () -> runner.state() == KafkaStreams.State.RUNNING ? System.nanoTime() : 0,
                () -> runner.state() == KafkaStreams.State.ERROR);
        done =
            watch.awaitDrained(
                id, ends, DRAIN_TIMEOUT, () -> runner.state() == KafkaStreams.State.ERROR);
      }
    }
    return events / ((done - start) / 1e9);
  }

  private StreamsConfiguration streamsConfiguration(
      BenchKafka kafka, Processor p, Pattern input, String id) {
    Map<String, Object> section = new LinkedHashMap<>();
    section.put("input-pattern", input.pattern());
    if (p.name().equals(ROUTER)) {
      section.put("routes", Map.copyOf(routerConfig(input, id).routes()));
    } else {
      section.put("view-prefix", analyticsConfig(id).viewPrefix());
    }
    return ConfigChecks.check(
        new StreamsConfiguration(
            KafkaConfig.of(kafka.bootstrapServers()),
            id,
            p.guarantee(),
            kafka.dir("streams"),
            1,
            1,
            config.commitInterval(),
            new StreamsConfiguration.Http("127.0.0.1", -1),
            Map.of(p.name(), section)));
  }

  private static List<String> outputTopics(Processor p, Pattern input, String id) {
    if (p.name().equals(ANALYTICS)) {
      AnalyticsConfig c = analyticsConfig(id);
      List<String> topics = new ArrayList<>();
      for (CountDimension dimension : CountDimension.values()) {
        for (CountWindow window : CountWindow.values()) {
          topics.add(c.outputTopic(dimension, window));
        }
      }
      return topics;
    }
    RouterConfig routes = routerConfig(input, id);
    return routes.routes().keySet().stream()
        .flatMap(type -> routes.destinations(type).stream())
        .distinct()
        .toList();
  }

  private static AnalyticsConfig analyticsConfig(String id) {
    AnalyticsConfig d = AnalyticsConfig.defaults();
    return new AnalyticsConfig(
        d.inputPattern(),
        "counts-" + id,
        d.grace(),
        d.hourAdvance(),
        d.retention(),
        d.dedupRetention(),
        d.partitions());
  }

  /** The default routing table, its handlers suffixed by the run id so every run has own topics. */
  private static RouterConfig routerConfig(Pattern input, String id) {
    Map<String, List<String>> routes = new LinkedHashMap<>();
    RouterConfig.DEFAULT_ROUTES.forEach(
        (type, handlers) -> routes.put(type, handlers.stream().map(h -> h + "-" + id).toList()));
    RouterConfig d = RouterConfig.defaults();
    return new RouterConfig(
        input, routes, UnknownTypes.DROP, d.catchAllTopic(), d.dedupRetention());
  }

  private static long awaitStarted(
      String id,
      java.util.function.LongSupplier startedAt,
      java.util.function.BooleanSupplier failed) {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (true) {
      long at = startedAt.getAsLong();
      if (at != 0) {
        return at;
      }
      if (failed.getAsBoolean() || System.nanoTime() > deadline) {
        throw new IllegalStateException(id + " did not start: no partitions assigned in 2 minutes");
      }
      LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
    }
  }

  private ThroughputReport report(List<Throughput> rows) {
    Throughput raw = find(rows, RAW, ALOS);
    Throughput routerEos = find(rows, ROUTER, EOS);
    Throughput routerAlos = find(rows, ROUTER, ALOS);
    Throughput analyticsEos = find(rows, ANALYTICS, EOS);
    Throughput analyticsAlos = find(rows, ANALYTICS, ALOS);
    String unit = "rec/s";
    List<Figure> figures =
        List.of(
            figure("router EOS / ALOS", routerEos, routerAlos, unit),
            figure("analytics EOS / ALOS", analyticsEos, analyticsAlos, unit),
            figure("router ALOS / raw loop", routerAlos, raw, unit),
            figure("router EOS / raw loop", routerEos, raw, unit),
            figure("analytics ALOS / raw loop", analyticsAlos, raw, unit));
    List<String> verdicts =
        List.of(
            verdict("router: EOS >= 80% of at-least-once", routerEos, routerAlos, 0.80),
            verdict("analytics: EOS >= 80% of at-least-once", analyticsEos, analyticsAlos, 0.80),
            verdict("router (at-least-once) >= 50% of the raw loop", routerAlos, raw, 0.50),
            verdict("router (exactly_once_v2) >= 50% of the raw loop", routerEos, raw, 0.50));
    String title =
        String.format(
            "offload bench streams: %,d Avro events (4 built-in types, %d keys) on %d topics x %d"
                + " partitions, %d round(s), 1 stream thread, commit interval %d ms",
            config.events(),
            config.keys(),
            BuiltInEventTypes.all().size(),
            PARTITIONS,
            config.rounds(),
            config.commitInterval().toMillis());
    return new ThroughputReport(
        title,
        "input records/s per stream thread, from running with partitions assigned until the"
            + " committed offsets reach the end",
        rows,
        new BenchReport("ratios of the medians", figures, 0, 0),
        verdicts);
  }

  private static Throughput find(List<Throughput> rows, String name, String mode) {
    return rows.stream()
        .filter(r -> r.name().equals(name) && r.mode().equals(mode))
        .findFirst()
        .orElseThrow();
  }

  private static Figure figure(String name, Throughput a, Throughput b, String unit) {
    return new Figure(name, unit, a.median(), b.label(), b.median());
  }

  private static String verdict(String goal, Throughput a, Throughput b, double target) {
    double ratio = a.median() / b.median();
    // Per-round ratios: both processors of a round ran minutes apart at most, on the same load.
    double low = Double.MAX_VALUE;
    double high = 0;
    for (int i = 0; i < a.samples().size(); i++) {
      double r = a.samples().get(i) / b.samples().get(i);
      low = Math.min(low, r);
      high = Math.max(high, r);
    }
    return String.format(
        "goal %s: %.2f (per round %.2f-%.2f) %s",
        goal, ratio, low, high, ratio >= target ? "MET" : "NOT MET");
  }

  /** One processor under test. */
  private record Processor(String name, String mode, ProcessingGuarantee guarantee) {
    String id() {
      return (name.equals(RAW) ? "raw" : name) + "-" + (mode.equals(EOS) ? "eos" : "alos");
    }

    String label() {
      return name + " (" + mode + ")";
    }
  }
}
