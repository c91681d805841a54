package dev.offload.bench;

import dev.offload.bench.internal.BenchKafka;
import dev.offload.bench.internal.EventLoad;
import dev.offload.bench.internal.Progress;
import dev.offload.bench.internal.RawCopy;
import dev.offload.ops.replay.Position;
import dev.offload.ops.replay.ReplayPlan;
import dev.offload.ops.replay.ReplayPlanner;
import dev.offload.ops.replay.ReplayRequest;
import dev.offload.ops.replay.ReplayResult;
import dev.offload.ops.replay.Replayer;
import dev.offload.ops.replay.ReplayerConfig;
import dev.offload.schemas.BuiltInEventTypes;
import dev.offload.schemas.Topics;
import dev.offload.schemas.config.ConfigChecks;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The replay benchmark: {@code offload replay}'s {@link Replayer} copying every record of an events
 * topic into another topic, unthrottled, beside a raw consumer-to-producer copy of the same range,
 * taking turns on the same embedded broker in the same run. A third side, the raw copy flushing its
 * producer after every poll (as the replayer once did), shows what that flush costs.
 */
public final class ReplayBenchmark {
  static final String REPLAYER = "offload replay";
  static final String RAW = "raw copy";
  static final String RAW_FLUSHING = "raw copy, flush per poll";
  private static final String MODE = "unthrottled";
  private static final int PARTITIONS = 3;

  private final ReplayBenchConfig config;
  private final PrintStream out;

  /** A benchmark with {@code config} that prints its progress to {@code out}. */
  public ReplayBenchmark(ReplayBenchConfig config, PrintStream out) {
    this.config = ConfigChecks.check(config);
    this.out = out;
  }

  /** Starts Kafka, preloads the events, copies them with both and stops Kafka. */
  public ThroughputReport run() throws Exception {
    out.println("starting Kafka...");
    try (BenchKafka kafka = BenchKafka.start()) {
      return run(kafka.bootstrapServers());
    }
  }

  private ThroughputReport run(String bootstrap) throws Exception {
    String source = Topics.events(BuiltInEventTypes.PAGE_VIEWED.type());
    Map<TopicPartition, Long> ends =
        EventLoad.preload(
            bootstrap,
            List.of(BuiltInEventTypes.PAGE_VIEWED),
            Topics::events,
            PARTITIONS,
            config.events(),
            config.keys(),
            new Progress(out, "preload events", config.events()));
    ReplayPlan plan;
    try (ReplayPlanner planner = ReplayPlanner.connect(bootstrap)) {
      plan = planner.plan(ReplayRequest.of(source, new Position.AtOffset(0), "unused"));
    }
    if (plan.total() != config.events()) {
      throw new IllegalStateException(
          "the replay plan covers " + plan.total() + " records, not " + config.events());
    }
    List<String> sides = List.of(REPLAYER, RAW, RAW_FLUSHING);
    Map<String, List<Double>> samples = new LinkedHashMap<>();
    sides.forEach(side -> samples.put(side, new ArrayList<>()));
    // Round 0 is the warm-up: every side runs once on the same range, unmeasured. The order
    // rotates from round to round, so drift on a shared machine hits every side alike.
    for (int round = config.warmup() ? 0 : 1; round <= config.rounds(); round++) {
      for (int turn = 0; turn < sides.size(); turn++) {
        String side = sides.get((turn + round) % sides.size());
        String into = "bench.replay.r" + round + "." + (turn + 1);
        // The target exists before the clock starts, so no side waits for auto-creation.
        EventLoad.createTopics(bootstrap, List.of(into), PARTITIONS);
        double rate =
            side.equals(REPLAYER)
                ? replay(bootstrap, plan, source, into)
                : rawCopy(bootstrap, ends, into, side.equals(RAW_FLUSHING));
        if (round == 0) {
          out.println("warm-up: " + side + " done");
          continue;
        }
        samples.get(side).add(rate);
        out.printf("round %d/%d: %-26s %,10.0f records/s%n", round, config.rounds(), side, rate);
      }
    }
    List<Double> replayer = samples.get(REPLAYER);
    List<Double> raw = samples.get(RAW);
    Throughput offload = new Throughput(REPLAYER, MODE, replayer);
    Throughput baseline = new Throughput(RAW, MODE, raw);
    Throughput flushing = new Throughput(RAW_FLUSHING, MODE, samples.get(RAW_FLUSHING));
    String copy = "copy " + String.format("%,d", config.events()) + " records";
    List<Figure> figures =
        List.of(
            new Figure(copy, "rec/s", offload.median(), baseline.label(), baseline.median()),
            new Figure(
                "raw, flush per poll",
                "rec/s",
                flushing.median(),
                baseline.label(),
                baseline.median()));
    String title =
        String.format(
            "offload bench replay: %,d Avro page-viewed events on %d partitions copied into a new"
                + " topic, %d round(s)",
            config.events(), PARTITIONS, config.rounds());
    return new ThroughputReport(
        title,
        "records/s, from opening the clients until the last copy is acknowledged",
        List.of(offload, baseline, flushing),
        new BenchReport("ratios of the medians", figures, 0, 0),
        List.of());
  }

  private double replay(String bootstrap, ReplayPlan plan, String source, String into)
      throws InterruptedException {
    ReplayPlan target =
        new ReplayPlan(ReplayRequest.of(source, new Position.AtOffset(0), into), plan.ranges());
    long start = System.nanoTime();
    ReplayResult result = new Replayer(ReplayerConfig.defaults(bootstrap)).execute(target, p -> {});
    long elapsed = System.nanoTime() - start;
    requireCopied(REPLAYER, result.copied());
    return result.copied() / (elapsed / 1e9);
  }

  private double rawCopy(
      String bootstrap, Map<TopicPartition, Long> ends, String into, boolean flushEveryPoll) {
    long start = System.nanoTime();
    long copied = RawCopy.copy(bootstrap, ends, into, flushEveryPoll);
    long elapsed = System.nanoTime() - start;
    requireCopied(RAW, copied);
    return copied / (elapsed / 1e9);
  }

  private void requireCopied(String who, long copied) {
    if (copied != config.events()) {
      throw new IllegalStateException(who + " copied " + copied + " of " + config.events());
    }
  }
}
