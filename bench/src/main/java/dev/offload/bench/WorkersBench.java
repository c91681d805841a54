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
 *       consumer per partition, handle the same records for a fixed time.
 *   <li>A stuck key: records arrive at a steady rate; one key's record takes 5 s. The other keys'
 *       latency (append to handled, HdrHistogram) is measured with and without that record.
 * </ol>
 */
public final class WorkersBench {
  /** The goal in DESIGN terms: at least this many records per second. */
  public static final double GOAL_RATE = 4_000;

  /** The goal: at least this multiple of the plain consumer. */
  public static final double GOAL_RATIO = 6;

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
   * @param stuckRun how long each stuck-key run produces
   * @param stuckFor how long the stuck record takes
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
      Duration stuckFor) {

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
          Duration.ofSeconds(10),
          Duration.ofSeconds(5));
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
          Duration.ofSeconds(5));
    }
  }

  private final Settings settings;
  private final PrintStream progress;
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
      createTopics(bootstrap, "bench.throughput", "bench.warmup", "bench.steady", "bench.stuck");
      TimedLoad load = new TimedLoad(bootstrap, settings.keys());
      progress.printf(
          "producing %,d records on %d partitions%n", settings.records(), settings.partitions());
      load.produce("bench.throughput", settings.records());

      double offloadRate = offloadThroughput(bootstrap);
      progress.printf("offload worker: %,.0f rec/s%n", offloadRate);
      double plainOne =
          PlainConsumerLoop.rate(
              bootstrap, "bench.throughput", 1, settings.io(), settings.plainWindow());
      progress.printf("plain consumer: %,.0f rec/s%n", plainOne);
      double plainPerPartition =
          PlainConsumerLoop.rate(
              bootstrap,
              "bench.throughput",
              settings.partitions(),
              settings.io(),
              settings.plainWindow());
      progress.printf("plain consumers, one per partition: %,.0f rec/s%n", plainPerPartition);

      // Unreported: the first timed run of a JVM pays for JIT and class loading.
      stuckKeyRun(bootstrap, load, "bench.warmup", false, Duration.ofSeconds(3));
      Latencies steady = stuckKeyRun(bootstrap, load, "bench.steady", false, settings.stuckRun());
      progress.printf("steady keys p99 without a stuck key: %.1f ms%n", steady.millisAt(99));
      Latencies stuck = stuckKeyRun(bootstrap, load, "bench.stuck", true, settings.stuckRun());
      progress.printf("steady keys p99 with one key stuck: %.1f ms%n", stuck.millisAt(99));

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
                  steady.millisAt(100)));
      boolean met = offloadRate >= GOAL_RATE && offloadRate >= GOAL_RATIO * plainOne;
      String title =
          String.format(
              "offload bench workers: %,d records, %d partitions, %,d keys, %d ms simulated I/O,"
                  + " maxInFlight %d; stuck-key runs at %,d rec/s for %d s%n"
                  + "goal >= %,.0f rec/s and >= %.0fx the plain consumer: %s",
              settings.records(),
              settings.partitions(),
              settings.keys(),
              settings.io().toMillis(),
              settings.maxInFlight(),
              settings.rate(),
              settings.stuckRun().toSeconds(),
              GOAL_RATE,
              GOAL_RATIO,
              met ? "met" : "NOT met");
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

  /** Records arrive at a steady rate for a while; returns the latencies of the steady keys. */
  private Latencies stuckKeyRun(
      String bootstrap, TimedLoad load, String topic, boolean stuck, Duration run)
      throws Exception {
    Latencies latencies = new Latencies();
    AtomicLong handled = new AtomicLong();
    HandlerBinding<byte[]> binding =
        HandlerBinding.async(
            "bench",
            new ByteArrayDeserializer(),
            event -> {
              boolean isStuck = TimedLoad.STUCK_KEY.equals(event.key());
              return simulatedIo(isStuck ? settings.stuckFor() : settings.io())
                  .thenRun(
                      () -> {
                        handled.incrementAndGet();
                        if (!isStuck && !TimedLoad.WARMUP_KEY.equals(event.key())) {
                          latencies.recordNanos(TimedLoad.nanosSinceSent(event.value()));
                        }
                      });
            });
    WorkerOptions options =
        WorkerOptions.defaults(bootstrap, "bench-" + topic, List.of(topic))
            .withMaxInFlight(settings.maxInFlight());
    try (Worker worker = Worker.builder(options, binding).start()) {
      load.warmUp(topic);
      awaitCount(handled, 1, Duration.ofSeconds(60));
      long sent = load.produceSteadily(topic, settings.rate(), run, stuck);
      awaitCount(handled, sent + 1, Duration.ofMinutes(1));
    }
    return latencies;
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

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
