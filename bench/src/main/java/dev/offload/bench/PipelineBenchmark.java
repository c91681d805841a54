package dev.offload.bench;

import dev.offload.bench.internal.Progress;
import dev.offload.bench.internal.pipeline.BacklogTrend;
import dev.offload.bench.internal.pipeline.Backlogs;
import dev.offload.bench.internal.pipeline.BenchApps;
import dev.offload.bench.internal.pipeline.DocumentWatch;
import dev.offload.bench.internal.pipeline.EffectCheck;
import dev.offload.bench.internal.pipeline.EffectLedger;
import dev.offload.bench.internal.pipeline.EventMix;
import dev.offload.bench.internal.pipeline.PipelineBaselines;
import dev.offload.bench.internal.pipeline.PipelineLoad;
import dev.offload.bench.internal.pipeline.PipelineSummary;
import dev.offload.bench.internal.pipeline.StageLatencies;
import dev.offload.bench.internal.pipeline.StepRun;
import dev.offload.bench.internal.pipeline.TopicArrivals;
import dev.offload.bench.internal.pipeline.Traces;
import dev.offload.consumers.handlers.analytics.AnalyticsHandler;
import dev.offload.consumers.handlers.email.EmailHandler;
import dev.offload.consumers.handlers.index.IndexHandler;
import dev.offload.schemas.Topics;
import dev.offload.schemas.config.ConfigChecks;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * {@code offload bench pipeline}: loads a running pipeline over HTTP at constant arrival rates that
 * step up (open loop), follows every accepted event through its events topic, its work topic and
 * its worker to the effect, stops at the first step in which a stage's backlog keeps growing, waits
 * for every effect, checks that each accepted event had exactly one, and measures the raw
 * operations beneath on the same servers.
 */
public final class PipelineBenchmark {
  private static final int CONNECTIONS = 64;
  private static final long DRAIN_CHECK_NANOS = 250_000_000L;
  private static final String API_STAGE = "ingest API (requests in flight)";
  private static final String CAPTURE_STAGE = "capture (accepted, not on offload.events.*)";

  private final PipelineConfig config;
  private final PipelineTarget target;
  private final PrintStream out;
  private final String run = Long.toString(System.currentTimeMillis(), 36);
  private final EventMix mix;
  private final Traces traces = new Traces();
  private final AtomicLong refused = new AtomicLong();
  private final Map<String, AtomicLong> refusedBy = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> acceptedByType = new ConcurrentHashMap<>();
  private long warmedUp;

  /** A benchmark of {@code target} with {@code config}, printing its progress to {@code out}. */
  public PipelineBenchmark(PipelineConfig config, PipelineTarget target, PrintStream out) {
    this.config = ConfigChecks.check(config);
    this.target = target;
    this.out = out;
    this.mix = new EventMix(run, config.mix(), config.keys());
  }

  /** Runs the steps, waits for the effects, checks them, measures the baselines. */
  public PipelineReport run() throws Exception {
    BenchApps apps = BenchApps.register(target.jdbcUrl(), target.jdbcUser(), run, config.maxRate());
    try {
      return measure(apps.keys());
    } finally {
      apps.revoke();
    }
  }

  private PipelineReport measure(List<String> keys) throws Exception {
    EffectLedger ledger = new EffectLedger(target.jdbcUrl(), target.jdbcUser());
    List<StepRun> steps;
    Map<String, Long> endLags;
    try (PipelineLoad load = new PipelineLoad(target.apiUrl(), CONNECTIONS, keys, mix::request);
        TopicArrivals arrivals =
            new TopicArrivals(target.bootstrapServers(), eventTopics(), workTopics(), traces);
        Backlogs backlogs = new Backlogs(target.bootstrapServers(), counted(load));
        DocumentWatch documents =
            target.effects().map(p -> new DocumentWatch(p, traces)).orElse(null)) {
      warmUp(load, ledger, documents, arrivals);
      steps = runSteps(load, backlogs, documents);
      drain(ledger, documents, arrivals);
      endLags = backlogs.settledGroupLags();
    }
    EffectCheck check = new EffectCheck(traces, ledger, target.effects());
    check.effectTimesFromMarks(group(EmailHandler.NAME));
    check.effectTimesFromMarks(group(AnalyticsHandler.NAME));
    List<PipelineReport.Effect> effects =
        List.of(
            check.views(group(AnalyticsHandler.NAME), mix.pathPrefix()),
            check.documents(group(IndexHandler.NAME)),
            check.mails(group(EmailHandler.NAME)));
    return report(steps, endLags, effects);
  }

  private PipelineReport report(
      List<StepRun> steps, Map<String, Long> endLags, List<PipelineReport.Effect> effects)
      throws Exception {
    PipelineSummary summary = new PipelineSummary(groupOfType());
    List<StageLatencies> latencies = StageLatencies.perStep(traces, steps.size());
    int ref = PipelineSummary.reference(steps);
    int refRate = steps.get(ref).rate();
    PipelineReport.Sustainable sustainable = summary.sustainable(steps, latencies.get(ref));
    List<Figure> figures =
        new PipelineBaselines(target.jdbcUrl(), target.jdbcUser(), target.bootstrapServers(), out)
            .measure(
                config.baselineEvents(),
                refRate,
                config.stepSeconds(),
                sustainable.rate(),
                latencies.get(ref),
                "bench-raw-" + run);
    BenchReport baselines =
        new BenchReport(
            "beside the raw operations, same servers, same run (raw INSERTs on 16 connections)",
            figures,
            0,
            0);
    return new PipelineReport(
        title(),
        summary.steps(steps, latencies),
        refRate,
        summary.stages(latencies.get(ref)),
        endLags,
        sustainable,
        baselines,
        effects,
        refused.get(),
        refusedCounts());
  }

  /** How many requests were not answered 202, by reason, most first. */
  private Map<String, Long> refusedCounts() {
    Map<String, Long> counts = new LinkedHashMap<>();
    refusedBy.entrySet().stream()
        .sorted((a, b) -> Long.compare(b.getValue().get(), a.getValue().get()))
        .forEach(e -> counts.put(e.getKey(), e.getValue().get()));
    return counts;
  }

  /** Offers the lowest rate unmeasured (step -1), then waits for the effects of what it sent. */
  private void warmUp(
      PipelineLoad load, EffectLedger ledger, DocumentWatch documents, TopicArrivals arrivals)
      throws Exception {
    if (config.warmupSeconds() == 0) {
      return;
    }
    int rate = config.rates().get(0);
    long total = Math.max(1, (long) (rate * config.warmupSeconds()));
    Progress progress = new Progress(out, String.format("warm-up: %,d/s", rate), total);
    warmedUp = load.run(rate, config.warmupSeconds(), 0, answers(-1, documents), progress);
    drain(ledger, documents, arrivals);
  }

  private List<StepRun> runSteps(PipelineLoad load, Backlogs backlogs, DocumentWatch documents)
      throws Exception {
    List<StepRun> steps = new ArrayList<>();
    long next = warmedUp;
    for (int i = 0; i < config.rates().size(); i++) {
      int rate = config.rates().get(i);
      long total = (long) (rate * config.stepSeconds());
      Progress progress =
          new Progress(
              out, String.format("step %d/%d: %,d/s", i + 1, config.rates().size(), rate), total);
      long start = System.nanoTime();
      long sent = load.run(rate, config.stepSeconds(), next, answers(i, documents), progress);
      long end = System.nanoTime();
      next += sent;
      // The backlogs while the rate was offered: after that, whatever was behind catches up.
      long offeredUntil = start + (long) (config.stepSeconds() * 1e9);
      List<Backlogs.Sample> samples = backlogs.between(start, Math.min(end, offeredUntil));
      List<String> growing =
          BacklogTrend.growing(samples, rate, shares(), List.of(API_STAGE, CAPTURE_STAGE));
      StepRun step = new StepRun(rate, start, end, sent, BacklogTrend.growth(samples), growing);
      steps.add(step);
      if (step.bound() != null) {
        out.printf(
            "at %,d/s the backlog of %s kept growing: stopping%n", rate, step.describeGrowing());
        break;
      }
    }
    return steps;
  }

  private PipelineLoad.Answers answers(int step, DocumentWatch documents) {
    return new PipelineLoad.Answers() {
      @Override
      public void accepted(long seq, EventMix.Request r, String id, long due, long at) {
        traces.accepted(id, r.type(), r.entity(), step, due, at);
        acceptedByType.computeIfAbsent(r.type(), t -> new AtomicLong()).incrementAndGet();
        if (documents != null && EventMix.DOCUMENT_CHANGED.equals(r.type())) {
          documents.expect(id);
        }
      }

      @Override
      public void refused(long seq, int status, String why) {
        refused.incrementAndGet();
        refusedBy.computeIfAbsent(why, w -> new AtomicLong()).incrementAndGet();
      }
    };
  }

  /** Waits until every accepted event's effect is recorded, or the drain timeout. */
  private void drain(EffectLedger ledger, DocumentWatch documents, TopicArrivals arrivals)
      throws Exception {
    long expected = traces.accepted();
    Progress progress = new Progress(out, "drain: effects done", expected);
    long deadline = System.nanoTime() + config.drainTimeout().toNanos();
    long done = 0;
    while (System.nanoTime() < deadline) {
      arrivals.requireRunning();
      if (documents != null) {
        documents.requireRunning();
      }
      done = effectsDone(ledger, documents);
      progress.update(done);
      if (done >= expected) {
        break;
      }
      LockSupport.parkNanos(DRAIN_CHECK_NANOS);
    }
    progress.finish(done);
  }

  private long effectsDone(EffectLedger ledger, DocumentWatch documents) throws Exception {
    long docs = accepted(EventMix.DOCUMENT_CHANGED);
    long searchable =
        documents != null
            ? docs - documents.pending()
            : traces.values().stream()
                .filter(t -> EventMix.DOCUMENT_CHANGED.equals(t.type()) && t.onWork() != 0)
                .count();
    return ledger.markCount(group(EmailHandler.NAME))
        + ledger.markCount(group(AnalyticsHandler.NAME))
        + searchable;
  }

  private long accepted(String type) {
    AtomicLong n = acceptedByType.get(type);
    return n == null ? 0 : n.get();
  }

  private Map<String, LongSupplier> counted(PipelineLoad load) {
    Map<String, LongSupplier> counted = new LinkedHashMap<>();
    counted.put(API_STAGE, load::inFlight);
    counted.put(CAPTURE_STAGE, () -> traces.accepted() - traces.onEvents());
    return counted;
  }

  private Map<String, Double> shares() {
    Map<String, Double> shares = new LinkedHashMap<>();
    shares.put(group(AnalyticsHandler.NAME), config.mix().pageViewed() / 100.0);
    shares.put(group(IndexHandler.NAME), config.mix().documentChanged() / 100.0);
    shares.put(group(EmailHandler.NAME), config.mix().userSignedUp() / 100.0);
    return shares;
  }

  private Map<String, String> groupOfType() {
    Map<String, String> groups = new LinkedHashMap<>();
    groups.put(EventMix.PAGE_VIEWED, group(AnalyticsHandler.NAME));
    groups.put(EventMix.DOCUMENT_CHANGED, group(IndexHandler.NAME));
    groups.put(EventMix.USER_SIGNED_UP, group(EmailHandler.NAME));
    return groups;
  }

  private String group(String handler) {
    return target.group(handler);
  }

  private static List<String> eventTopics() {
    return List.of(
        Topics.events(EventMix.PAGE_VIEWED),
        Topics.events(EventMix.DOCUMENT_CHANGED),
        Topics.events(EventMix.USER_SIGNED_UP));
  }

  private static List<String> workTopics() {
    return List.of(AnalyticsHandler.WORK_TOPIC, IndexHandler.WORK_TOPIC, EmailHandler.WORK_TOPIC);
  }

  private String title() {
    return String.format(
        "offload bench pipeline: %s; %s; page views over %,d users; steps of %.0f s at %s events/s;"
            + " run %s",
        target.description(),
        config.mix(),
        config.keys(),
        config.stepSeconds(),
        config.rates().stream()
            .map(r -> String.format("%,d", r))
            .reduce((a, b) -> a + ", " + b)
            .orElse(""),
        run);
  }
}
