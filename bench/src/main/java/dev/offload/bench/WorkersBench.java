package dev.offload.bench;

import dev.offload.bench.internal.Latencies;
import dev.offload.bench.internal.PlainConsumerLoop;
import dev.offload.bench.internal.TimedLoad;
import dev.offload.consumers.worker.HandlerBinding;
import dev.offload.consumers.worker.Worker;
import dev.offload.consumers.worker.WorkerOptions;
import dev.offload.embedded.EmbeddedKafka;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code offload bench workers}: the worker framework beside plain Kafka consumers on the same
 * topic, in the same run, on a fresh embedded broker. Every record costs {@code io} of simulated
 * I/O (a timer, no CPU). Two experiments:
 *
 * <ol>
 *   <li>Throughput: the worker at {@code maxInFlight} records in flight (key-ordered) drains the
 *       topic; a plain {@code poll → handle each → commitSync} loop, one consumer, then one
 *       consumer per partition (timed once every member holds its partition), handle the same
 *       records for a fixed time.
 *   <li>A stuck key: records arrive at a steady rate; in every other phase, one key's record takes
 *       5 s. One worker (one group, formed and warmed up before anything is timed) runs the phases
 *       back to back, in pairs ordered without-with, with-without, ..., so both kinds see the same
 *       group, the same JIT state and the same drift of the machine. The other keys' latency (send
 *       to handled, HdrHistogram) of all phases of each kind is compared: the goal is that the
 *       stuck key adds at most {@link #GOAL_STUCK_P99_MILLIS} ms to their p99.
 * </ol>
 */
public final class WorkersBench {
  /** The goal in DESIGN terms: at least this many records per second. */
  public static final double GOAL_RATE = 4_000;

  /** The goal: at least this multiple of the plain consumer. */
  public static final double GOAL_RATIO = 6;

  /** The goal: one key stuck for 5 s adds at most this much to the other keys' p99. */
  public static final double GOAL_STUCK_P99_MILLIS = 50;

  /**
   * What one run does.
   *
   * @param records records the worker drains
   * @param partitions partitions of the topics
   * @param keys distinct keys
   * @param io simulated I/O per record
   * @param maxInFlight the worker's bound
   * @param plainWindow how long each plain loop runs
   * @param rate records per second in the stuck-key experiment
   * @param stuckRun how long each phase of the stuck-key experiment produces
   * @param stuckFor how long the stuck record takes
   * @param rounds how many pairs of phases (without, then with the stuck key) are run
   * @param warmUp how long the unreported phase before them runs
   */
  public record Settings(
      int records,
      int partitions,
      int keys,
      Duration io,
      int maxInFlight,
      Duration plainWindow,
      int rate,
      Duration stuckRun,
      Duration stuckFor,
      int rounds,
      Duration warmUp) {

    /** The documented run: 20,000 records, 12 partitions, 2,000 keys, 20 ms, 256 in flight. */
    public static Settings full() {
      return new Settings(
          20_000,
          12,
          2_000,
          Duration.ofMillis(20),
          256,
          Duration.ofSeconds(8),
          2_000,
          Duration.ofSeconds(5),
          Duration.ofSeconds(5),
          8,
          Duration.ofSeconds(15));
    }

    /** A short run that checks everything works (about 30 s). */
    public static Settings quick() {
      return new Settings(
          3_000,
          12,
          2_000,
          Duration.ofMillis(20),
          256,
          Duration.ofSeconds(2),
          500,
          Duration.ofSeconds(6),
          Duration.ofSeconds(5),
          1,
          Duration.ofSeconds(3));
    }
  }

  private final Settings settings;
  private final PrintStream progress;
  private final List<Double> pairDifferences = new ArrayList<>();
  private final ScheduledExecutorService io =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "bench-simulated-io");
            t.setDaemon(true);
            return t;
          });

  /** A benchmark of {@code settings}, printing progress lines to {@code progress}. */
  public WorkersBench(Settings settings, PrintStream progress) {
    this.settings = settings;
    this.progress = progress;
  }

  /** Runs both experiments on a fresh broker and returns the figures. */
  public BenchReport run() throws Exception {
    Path dir = Files.createTempDirectory("offload-bench-workers-");
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0, Map.of())) {
      String bootstrap = kafka.bootstrapServers();
      createTopics(bootstrap, "bench.throughput", "bench.latency");
      TimedLoad load = new TimedLoad(bootstrap, settings.keys());
      progress.printf(
          "producing %,d records on %d partitions%n", settings.records(), settings.partitions());
      load.produce("bench.throughput", settings.records());

      double offloadRate = offloadThroughput(bootstrap);
      progress.printf("offload worker: %,.0f rec/s%n", offloadRate);
      double plainOne =
          PlainConsumerLoop.rate(
              bootstrap,
              "bench.throughput",
              settings.partitions(),
              1,
              settings.io(),
              settings.plainWindow());
      progress.printf("plain consumer: %,.0f rec/s%n", plainOne);
      double plainPerPartition =
          PlainConsumerLoop.rate(
              bootstrap,
              "bench.throughput",
              settings.partitions(),
              settings.partitions(),
              settings.io(),
              settings.plainWindow());
      progress.printf("plain consumers, one per partition: %,.0f rec/s%n", plainPerPartition);

      Latencies[] phases = stuckKeyPhases(bootstrap, load);
      Latencies steady = phases[0];
      Latencies stuck = phases[1];
      double added = stuck.millisAt(99) - steady.millisAt(99);
      double pairMedian = median(pairDifferences);
      progress.printf(
          "other keys p99: %.1f ms without, %.1f ms with one key stuck: %+.1f ms"
              + " (median of the pairs' differences %+.1f ms)%n",
          steady.millisAt(99), stuck.millisAt(99), added, pairMedian);

      List<Figure> figures =
          List.of(
              new Figure(
                  "throughput, " + settings.io().toMillis() + " ms I/O",
                  "rec/s",
                  offloadRate,
                  "plain consumer rec/s",
                  plainOne),
              new Figure(
                  "throughput, " + settings.io().toMillis() + " ms I/O",
                  "rec/s",
                  offloadRate,
                  settings.partitions() + " plain consumers rec/s",
                  plainPerPartition),
              new Figure(
                  "other keys p50, one stuck " + settings.stuckFor().toSeconds() + " s",
                  "ms",
                  stuck.millisAt(50),
                  "p50 without stuck key ms",
                  steady.millisAt(50)),
              new Figure(
                  "other keys p99, one stuck " + settings.stuckFor().toSeconds() + " s",
                  "ms",
                  stuck.millisAt(99),
                  "p99 without stuck key ms",
                  steady.millisAt(99)),
              new Figure(
                  "other keys max, one stuck " + settings.stuckFor().toSeconds() + " s",
                  "ms",
                  stuck.millisAt(100),
                  "max without stuck key ms",
                  steady.millisAt(100)),
              new Figure(
                  "p99 added by the stuck key",
                  "ms",
                  added,
                  "goal at most ms",
                  GOAL_STUCK_P99_MILLIS),
              new Figure(
                  "p99 added, median of pairs",
                  "ms",
                  pairMedian,
                  "goal at most ms",
                  GOAL_STUCK_P99_MILLIS));
      boolean met = offloadRate >= GOAL_RATE && offloadRate >= GOAL_RATIO * plainOne;
      String title =
          String.format(
              "offload bench workers: %,d records, %d partitions, %,d keys, %d ms simulated I/O,"
                  + " maxInFlight %d; stuck-key phases at %,d rec/s for %d s, %d without and %d"
                  + " with the stuck key, in ABBA order, on one worker (%,d and %,d latencies)%n"
                  + "goal >= %,.0f rec/s and >= %.0fx the plain consumer: %s%n"
                  + "goal: one key stuck %d s adds <= %.0f ms to the other keys' p99:"
                  + " %s (%.1f -> %.1f ms, %+.1f ms)",
              settings.records(),
              settings.partitions(),
              settings.keys(),
              settings.io().toMillis(),
              settings.maxInFlight(),
              settings.rate(),
              settings.stuckRun().toSeconds(),
              settings.rounds(),
              settings.rounds(),
              steady.count(),
              stuck.count(),
              GOAL_RATE,
              GOAL_RATIO,
              met ? "met" : "NOT met",
              settings.stuckFor().toSeconds(),
              GOAL_STUCK_P99_MILLIS,
              added <= GOAL_STUCK_P99_MILLIS ? "met" : "NOT met",
              steady.millisAt(99),
              stuck.millisAt(99),
              added);
      return new BenchReport(title, figures, 0, 0);
    } finally {
      io.shutdownNow();
      deleteRecursively(dir);
    }
  }

  /** The worker drains the topic; the rate runs from the first to the last handled record. */
  private double offloadThroughput(String bootstrap) throws InterruptedException {
    AtomicLong handled = new AtomicLong();
    AtomicLong first = new AtomicLong();
    AtomicLong last = new AtomicLong();
    HandlerBinding<byte[]> binding =
        HandlerBinding.async(
            "bench",
            new ByteArrayDeserializer(),
            event ->
                simulatedIo(settings.io())
                    .thenRun(
                        () -> {
                          long now = System.nanoTime();
                          first.compareAndSet(0, now);
                          last.set(now);
                          handled.incrementAndGet();
                        }));
    WorkerOptions options =
        WorkerOptions.defaults(bootstrap, "bench-offload", List.of("bench.throughput"))
            .withMaxInFlight(settings.maxInFlight());
    try (Worker worker = Worker.builder(options, binding).start()) {
      awaitCount(handled, settings.records(), Duration.ofMinutes(2));
    }
    return (settings.records() - 1) * 1e9 / Math.max(1, last.get() - first.get());
  }

  /**
   * One worker on a topic of its own; once its group formed and a warm-up phase ran (unreported:
   * JIT, class loading, connections), {@code rounds} pairs of phases at a steady rate, one without
   * and one with a record of {@link TimedLoad#STUCK_KEY} that takes {@code stuckFor}, in the order
   * without-with, then with-without, and so on. Returns the other keys' latencies without [0] and
   * with [1] the stuck key.
   */
  private Latencies[] stuckKeyPhases(String bootstrap, TimedLoad load) throws Exception {
    String topic = "bench.latency";
    Latencies steady = new Latencies();
    Latencies stuck = new Latencies();
    AtomicReference<Latencies> current = new AtomicReference<>(new Latencies());
    AtomicLong handled = new AtomicLong();
    HandlerBinding<byte[]> binding =
        HandlerBinding.async(
            "bench",
            new ByteArrayDeserializer(),
            event -> {
              boolean isStuck = TimedLoad.STUCK_KEY.equals(event.key());
              Latencies into = current.get();
              return simulatedIo(isStuck ? settings.stuckFor() : settings.io())
                  .thenRun(
                      () -> {
                        if (!isStuck && !TimedLoad.WARMUP_KEY.equals(event.key())) {
                          into.recordNanos(TimedLoad.nanosSinceSent(event.value()));
                        }
                        handled.incrementAndGet();
                      });
            });
    WorkerOptions options =
        WorkerOptions.defaults(bootstrap, "bench-latency", List.of(topic))
            .withMaxInFlight(settings.maxInFlight());
    try (Worker worker = Worker.builder(options, binding).start()) {
      load.warmUp(topic);
      awaitCount(handled, 1, Duration.ofSeconds(60));
      phase(load, topic, false, settings.warmUp(), handled);
      for (int round = 1; round <= settings.rounds(); round++) {
        // ABBA: the order flips every round, so a drift of the machine favours neither kind.
        boolean stuckFirst = round % 2 == 0;
        double[] pair = new double[2];
        for (boolean withStuck : new boolean[] {stuckFirst, !stuckFirst}) {
          Latencies phase = new Latencies();
          current.set(phase);
          phase(load, topic, withStuck, settings.stuckRun(), handled);
          (withStuck ? stuck : steady).add(phase);
          pair[withStuck ? 1 : 0] = phase.millisAt(99);
          progress.printf(
              "round %d %s the stuck key: other keys p99 %.1f ms (%,d records)%n",
              round, withStuck ? "with" : "without", phase.millisAt(99), phase.count());
        }
        pairDifferences.add(pair[1] - pair[0]);
      }
    }
    return new Latencies[] {steady, stuck};
  }

  /** Produces at the steady rate for {@code run} and waits until all of it was handled. */
  private void phase(TimedLoad load, String topic, boolean stuck, Duration run, AtomicLong handled)
      throws InterruptedException {
    long before = handled.get();
    long sent = load.produceSteadily(topic, settings.rate(), run, stuck);
    awaitCount(handled, before + sent, Duration.ofMinutes(1));
  }

  /**
   * The median of {@code values}: of the per-pair differences, it is not moved by one pair that a
   * burst of the machine's other load happened to hit.
   */
  private static double median(List<Double> values) {
    return values.isEmpty()
        ? Double.NaN
        : new Throughput("stuck key", "p99 added per pair", values).median();
  }

  private CompletableFuture<Void> simulatedIo(Duration d) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    io.schedule(() -> done.complete(null), d.toNanos(), TimeUnit.NANOSECONDS);
    return done;
  }

  private static void awaitCount(AtomicLong count, long expected, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (count.get() < expected) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "only " + count.get() + " of " + expected + " records were handled in " + timeout);
      }
      Thread.sleep(10);
    }
  }

  private void createTopics(String bootstrap, String... names) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      List<NewTopic> topics = new ArrayList<>();
      for (String name : names) {
        topics.add(new NewTopic(name, Optional.of(settings.partitions()), Optional.empty()));
      }
      admin.createTopics(topics).all().get();
      awaitLeaders(admin, List.of(names));
    }
  }

  /** Waits until every partition of {@code names} has a leader. */
  private static void awaitLeaders(Admin admin, List<String> names) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      boolean ready =
          admin.describeTopics(names).allTopicNames().get().values().stream()
              .flatMap(t -> t.partitions().stream())
              .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
      if (ready) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the topics got no leaders in 60 s: " + names);
      }
      Thread.sleep(100);
    }
  }

  static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
