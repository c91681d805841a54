package dev.offload.bench;

import dev.offload.bench.internal.BenchStack;
import dev.offload.bench.internal.HttpDriver;
import dev.offload.bench.internal.Latencies;
import dev.offload.bench.internal.Progress;
import dev.offload.bench.internal.RawBaselines;
import dev.offload.bench.internal.RawInsertLoad;
import dev.offload.bench.internal.WarmUpCurve;
import dev.offload.embedded.EmbeddedPostgres;
import dev.offload.schemas.config.ConfigChecks;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code offload bench ingest}: how many events per second the ingest API accepts and how fast it
 * answers, for single and batch requests, beside single-row {@code INSERT} + commit over JDBC on
 * the same PostgreSQL with the same concurrency, in the same run.
 *
 * <p>Every path is first run unmeasured ({@code warmupEvents}), so that what is measured is
 * compiled code. Each path is then saturated (closed loop, {@code concurrency} requests in flight)
 * in {@code rounds} rounds whose order rotates, the medians being the figures, then loaded at a
 * constant arrival rate of {@code loadFraction} of its median saturation rate (open loop), where
 * the acknowledgement latencies are taken from each request's intended start. The raw baseline runs
 * at the single-event rate, so the two latency rows compare like with like.
 */
public final class IngestRateBenchmark {
  private static final String TYPE = "bench-event";
  private static final String SINGLE = "/v1/events/" + TYPE;
  private static final String BATCH = "/v1/events:batch";

  private final IngestRateConfig config;
  private final PrintStream out;
  private final String padding;
  private long refused;
  private final WarmUpCurve curve = new WarmUpCurve(10);

  /** A benchmark with {@code config} that prints its progress to {@code out}. */
  public IngestRateBenchmark(IngestRateConfig config, PrintStream out) {
    this.config = ConfigChecks.check(config);
    this.out = out;
    this.padding = "x".repeat(Math.max(0, config.payloadBytes() - 30));
  }

  /** Starts PostgreSQL and the ingest API, runs every phase, stops them, returns the figures. */
  public BenchReport run() throws Exception {
    out.println(
        "starting PostgreSQL and the ingest API, outbox mode "
            + config.outboxMode().name().toLowerCase(java.util.Locale.ROOT)
            + " (no capture: this measures the write path)...");
    try (BenchStack stack = BenchStack.startIngestOnly(config.outboxMode());
        HttpDriver http = new HttpDriver(stack.apiUrl(), config.concurrency())) {
      return run(stack, http);
    }
  }

  private BenchReport run(BenchStack stack, HttpDriver http) throws Exception {
    int n = config.events();
    int c = config.concurrency();
    int batches = Math.max(1, n / config.batchSize());
    String payload = data(0);
    warmUp(stack, http, payload);

    // Saturation rounds, the order rotating so that no path always runs first or last.
    List<Double> rawRates = new ArrayList<>();
    List<Double> singleRates = new ArrayList<>();
    List<Double> batchRates = new ArrayList<>();
    List<HttpDriver.Outcome> saturated = new ArrayList<>();
    for (int round = 0; round < config.rounds(); round++) {
      String of = config.rounds() > 1 ? " " + (round + 1) + "/" + config.rounds() : "";
      for (int step = 0; step < 3; step++) {
        switch ((round + step) % 3) {
          case 0 ->
              rawRates.add(
                  perSecond(
                      n,
                      RawBaselines.insert(
                          stack.jdbcUrl(),
                          EmbeddedPostgres.USER,
                          n,
                          c,
                          payload,
                          new Latencies(),
                          progress("raw INSERT + commit, saturated" + of, n))));
          case 1 -> {
            HttpDriver.Outcome single =
                http.closedLoop(
                    SINGLE,
                    n,
                    c,
                    this::single,
                    new Latencies(),
                    progress("single, saturated" + of, n));
            saturated.add(single);
            singleRates.add(single.perSecond());
          }
          default -> {
            HttpDriver.Outcome batch =
                http.closedLoop(
                    BATCH,
                    batches,
                    c,
                    this::batch,
                    new Latencies(),
                    progress("batch, saturated" + of, batches));
            saturated.add(batch);
            batchRates.add(batch.perSecond() * config.batchSize());
          }
        }
      }
    }
    out.printf(
        "saturated, per round: raw INSERT %s rows/s; single %s events/s; batch %s events/s%n",
        rates(rawRates), rates(singleRates), rates(batchRates));
    double rawRate = median(rawRates);
    double batchEvents = median(batchRates);
    if (batchEvents == 0) {
      throw new IllegalStateException(
          "the ingest API accepted none of the " + batches + " batch requests to " + BATCH);
    }
    double singleRate = median(singleRates) * config.loadFraction();
    long openTotal = (long) (singleRate * config.seconds());
    Latencies singleOpen = new Latencies();
    HttpDriver.Outcome singleLoaded =
        http.openLoop(
            SINGLE,
            singleRate,
            config.seconds(),
            this::single,
            singleOpen,
            progress(String.format("single at %,.0f/s", singleRate), openTotal));
    Latencies rawOpen = new Latencies();
    RawInsertLoad.openLoop(
        stack.jdbcUrl(),
        EmbeddedPostgres.USER,
        c,
        singleRate,
        config.seconds(),
        payload,
        rawOpen,
        progress(String.format("raw INSERT at %,.0f/s", singleRate), openTotal));
    double batchRate = batchEvents / config.batchSize() * config.loadFraction();
    long batchTotal = (long) (batchRate * config.seconds());
    Latencies batchOpen = new Latencies();
    HttpDriver.Outcome batchLoaded =
        http.openLoop(
            BATCH,
            batchRate,
            config.seconds(),
            this::batch,
            batchOpen,
            progress(String.format("batch at %,.0f req/s", batchRate), batchTotal));

    String raw = "raw INSERT+commit";
    String rawAt = String.format("raw INSERT at %,.0f/s", singleRate);
    List<Figure> figures = new ArrayList<>();
    figures.add(
        new Figure(
            "single: accepted, saturated (median)",
            "events/s",
            median(singleRates),
            raw + " rows/s",
            rawRate));
    figures.add(
        new Figure(
            "batch of " + config.batchSize() + ": accepted, saturated (median)",
            "events/s",
            batchEvents,
            raw + " rows/s",
            rawRate));
    for (double p : new double[] {50, 99, 99.9}) {
      figures.add(
          new Figure(
              String.format("single ack p%s at %,.0f/s", label(p), singleRate),
              "ms",
              singleOpen.millisAt(p),
              rawAt + " p" + label(p),
              rawOpen.millisAt(p)));
    }
    for (double p : new double[] {50, 99, 99.9}) {
      figures.add(
          new Figure(
              String.format("batch ack p%s at %,.0f req/s", label(p), batchRate),
              "ms",
              batchOpen.millisAt(p),
              rawAt + " p" + label(p),
              rawOpen.millisAt(p)));
    }
    long refused = singleLoaded.failed() + batchLoaded.failed();
    for (HttpDriver.Outcome outcome : saturated) {
      refused += outcome.failed();
    }
    out.printf("requests not answered 202: %d%n", refused);
    printWarmUp(median(singleRates));
    String title =
        String.format(
            "offload bench ingest (outbox mode %s): %,d warm-up events, %d round(s) of %,d events per saturated phase (medians), %d in flight, batches of %d, %.0f s at %.0f%% of saturation, %d keys, ~%d-byte data",
            config.outboxMode().name().toLowerCase(java.util.Locale.ROOT),
            config.warmupEvents(),
            config.rounds(),
            n,
            c,
            config.batchSize(),
            config.seconds(),
            config.loadFraction() * 100,
            config.keys(),
            config.payloadBytes());
    this.refused = refused;
    return new BenchReport(title, List.copyOf(figures), 0, 0);
  }

  /**
   * Runs every path unmeasured first: the API's request path, its batch path and the raw JDBC
   * INSERT loop are each compiled by the JIT only after some thousands of calls, and a saturation
   * phase measured before that compares interpreted code with compiled code.
   */
  private void warmUp(BenchStack stack, HttpDriver http, String payload) throws Exception {
    int w = config.warmupEvents();
    if (w == 0) {
      return;
    }
    int c = config.concurrency();
    http.closedLoop(
        SINGLE,
        w,
        c,
        n -> {
          curve.started();
          return single(n);
        },
        new Latencies(),
        progress("warm-up: single", w));
    int batches = Math.max(1, w / config.batchSize());
    http.closedLoop(
        BATCH, batches, c, this::batch, new Latencies(), progress("warm-up: batch", batches));
    RawBaselines.insert(
        stack.jdbcUrl(),
        EmbeddedPostgres.USER,
        w,
        c,
        payload,
        new Latencies(),
        progress("warm-up: raw INSERT", w));
  }

  /**
   * The single-event rate per 10 s from the API's first request (the closed-loop warm-up), and the
   * first minute's mean beside the warmed-up saturated rate.
   */
  private void printWarmUp(double steady) {
    List<Double> rates = curve.rates();
    if (rates.isEmpty()) {
      return;
    }
    out.printf(
        "warm-up curve, single events/s per 10 s from the first request: %s%n", rates(rates));
    // The warm-up may end before a minute is up: the mean is of the whole intervals there are.
    int intervals = Math.min(6, rates.size());
    double first = curve.meanOfFirst(intervals);
    out.printf(
        "first %d s: %,.0f events/s on average, %.0f%% of the warmed-up %,.0f/s (goal >= 50%%)%n",
        intervals * 10, first, 100 * first / steady, steady);
  }

  private static double median(List<Double> values) {
    return new Throughput("saturated", "closed loop", values).median();
  }

  private static String rates(List<Double> values) {
    return values.stream()
        .map(v -> String.format("%,.0f", v))
        .collect(java.util.stream.Collectors.joining(", "));
  }

  private String data(long seq) {
    return "{\"seq\":" + seq + ",\"pad\":\"" + padding + "\"}";
  }

  private String single(long seq) {
    return "{\"key\":\"key-" + (seq % config.keys()) + "\",\"data\":" + data(seq) + "}";
  }

  private String batch(long request) {
    StringBuilder body = new StringBuilder("{\"events\":[");
    for (int i = 0; i < config.batchSize(); i++) {
      long seq = request * config.batchSize() + i;
      if (i > 0) {
        body.append(',');
      }
      body.append("{\"type\":\"")
          .append(TYPE)
          .append("\",\"key\":\"key-")
          .append(seq % config.keys())
          .append("\",\"data\":")
          .append(data(seq))
          .append('}');
    }
    return body.append("]}").toString();
  }

  private Progress progress(String phase, long total) {
    return new Progress(out, phase, total);
  }

  private static double perSecond(long count, long nanos) {
    return count / (nanos / 1e9);
  }

  private static String label(double percentile) {
    return percentile == Math.rint(percentile)
        ? String.valueOf((long) percentile)
        : String.valueOf(percentile);
  }

  /** Requests of the last {@link #run()} that were not answered {@code 202}. */
  public long refused() {
    return refused;
  }
}
