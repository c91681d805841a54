package dev.offload.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What {@code offload bench pipeline} measured: one row per step, the latency of every stage at the
 * reference step, the lag of every consumer group at the end, the sustainable rate and the stage
 * that bounds it, the raw baselines, and whether every accepted event had exactly one effect.
 *
 * @param title what was run, with its settings
 * @param steps the steps in the order they ran
 * @param referenceRate the rate of the step whose stages are shown (the highest sustained one)
 * @param stages latencies of each stage at the reference step
 * @param endLags each consumer group's lag at the end, in records
 * @param sustainable the sustainable rate and what bounds it
 * @param baselines the figures beside the raw operations they rest on, same servers, same run
 * @param effects one line per effect: expected, done, lost, duplicated
 * @param refused requests not answered 202, over every step
 * @param refusedBy those requests by reason (status and error code, or the request's failure)
 */
public record PipelineReport(
    String title,
    List<Step> steps,
    int referenceRate,
    List<Stage> stages,
    Map<String, Long> endLags,
    Sustainable sustainable,
    BenchReport baselines,
    List<Effect> effects,
    long refused,
    Map<String, Long> refusedBy) {

  /** Copies the collections. */
  public PipelineReport {
    steps = List.copyOf(steps);
    stages = List.copyOf(stages);
    endLags = Map.copyOf(endLags);
    effects = List.copyOf(effects);
    refusedBy = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(refusedBy));
  }

  /**
   * One step of offered load.
   *
   * @param rate offered events per second
   * @param sent requests started
   * @param accepted requests answered 202
   * @param acceptedPerSecond accepted events per second of the step
   * @param ackP99 due -> 202, p99, ms
   * @param eventsP99 202 -> on {@code offload.events.*}, p99, ms
   * @param workP99 202 -> on {@code offload.work.*}, p99, ms
   * @param effectP99 202 -> effect done, p99, ms
   * @param growing the stage whose backlog kept growing in this step, or null
   */
  public record Step(
      int rate,
      long sent,
      long accepted,
      double acceptedPerSecond,
      double ackP99,
      double eventsP99,
      double workP99,
      double effectP99,
      String growing) {}

  /**
   * Latency of one stage, in milliseconds.
   *
   * @param name what is measured, e.g. {@code 202 -> on offload.events.*}
   * @param count events measured
   */
  public record Stage(String name, double p50, double p99, double p999, double max, long count) {}

  /**
   * The sustainable rate.
   *
   * @param rate the highest step no backlog kept growing in, events per second; 0 when none
   * @param bound the stage whose backlog grew in the next step, or the slowest stage when none did
   * @param line the sentence printed
   */
  public record Sustainable(int rate, String bound, String line) {}

  /**
   * Whether each accepted event of one kind had exactly one effect.
   *
   * @param name the effect, e.g. {@code mails received (offload-worker-email)}
   * @param expected events accepted (answered 202)
   * @param done effects seen
   * @param lost accepted events without an effect
   * @param duplicated effects beyond one per event
   * @param checkedBy how the effects were counted
   */
  public record Effect(
      String name, long expected, long done, long lost, long duplicated, String checkedBy) {}

  /** Accepted events without an effect, over every kind. */
  public long lost() {
    return effects.stream().mapToLong(Effect::lost).sum();
  }

  /** Effects beyond one per event, over every kind. */
  public long duplicated() {
    return effects.stream().mapToLong(Effect::duplicated).sum();
  }

  /** Prints the tables. */
  public void print(PrintStream out) {
    out.println(title);
    printSteps(out);
    out.println();
    printStages(out);
    out.println();
    out.println("lag at the end (records)");
    endLags.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> out.printf("  %-46s %,9d%n", e.getKey(), e.getValue()));
    out.println();
    out.println(sustainable.line());
    out.println();
    baselines.print(out);
    out.println();
    for (Effect e : effects) {
      out.printf(
          "%-46s %,d of %,d accepted; lost %,d, duplicated %,d (%s)%n",
          e.name(), e.done(), e.expected(), e.lost(), e.duplicated(), e.checkedBy());
    }
    out.printf(
        "lost: %,d, duplicated: %,d, requests not answered 202: %,d%n",
        lost(), duplicated(), refused);
    refusedBy.forEach((why, n) -> out.printf("  %,d  %s%n", n, why));
  }

  private void printSteps(PrintStream out) {
    out.printf(
        "%10s %9s %11s %10s %12s %12s %12s  %s%n",
        "offered/s",
        "accepted",
        "accepted/s",
        "202 p99",
        "->events p99",
        "->work p99",
        "->effect p99",
        "backlog that kept growing");
    for (Step s : steps) {
      out.printf(
          "%,10d %,9d %,11.0f %10s %12s %12s %12s  %s%n",
          s.rate(),
          s.accepted(),
          s.acceptedPerSecond(),
          ms(s.ackP99()),
          ms(s.eventsP99()),
          ms(s.workP99()),
          ms(s.effectP99()),
          s.growing() == null ? "none" : s.growing());
    }
    out.println("(latencies in ms; 202 counts from the moment each request was due)");
  }

  private void printStages(PrintStream out) {
    out.printf("stages at %,d events/s%n", referenceRate);
    out.printf("%-48s %9s %9s %9s %9s %9s%n", "stage (ms)", "p50", "p99", "p99.9", "max", "events");
    for (Stage s : stages) {
      out.printf(
          "%-48s %9s %9s %9s %9s %,9d%n",
          s.name(), ms(s.p50()), ms(s.p99()), ms(s.p999()), ms(s.max()), s.count());
    }
  }

  /** The report as JSON; a figure that could not be measured is null. */
  public JsonObject toJson() {
    JsonObject lags = new JsonObject();
    endLags.forEach(lags::put);
    return new JsonObject()
        .put("title", title)
        .put("steps", rows(steps, PipelineReport::json))
        .put("referenceRate", referenceRate)
        .put("stages", rows(stages, PipelineReport::json))
        .put("endLags", lags)
        .put("sustainableRate", sustainable.rate())
        .put("boundBy", sustainable.bound())
        .put("sustainable", sustainable.line())
        .put("baselines", rows(baselines.figures(), PipelineReport::json))
        .put("effects", rows(effects, PipelineReport::json))
        .put("lost", lost())
        .put("duplicated", duplicated())
        .put("refused", refused)
        .put("refusedBy", new JsonObject(new java.util.LinkedHashMap<String, Object>(refusedBy)));
  }

  private static <T> JsonArray rows(List<T> items, Function<T, JsonObject> json) {
    JsonArray rows = new JsonArray();
    items.forEach(i -> rows.add(json.apply(i)));
    return rows;
  }

  private static JsonObject json(Step s) {
    return new JsonObject()
        .put("rate", s.rate())
        .put("sent", s.sent())
        .put("accepted", s.accepted())
        .put("acceptedPerSecond", number(s.acceptedPerSecond()))
        .put("ackP99Ms", number(s.ackP99()))
        .put("eventsP99Ms", number(s.eventsP99()))
        .put("workP99Ms", number(s.workP99()))
        .put("effectP99Ms", number(s.effectP99()))
        .put("growing", s.growing());
  }

  private static JsonObject json(Stage s) {
    return new JsonObject()
        .put("name", s.name())
        .put("p50Ms", number(s.p50()))
        .put("p99Ms", number(s.p99()))
        .put("p999Ms", number(s.p999()))
        .put("maxMs", number(s.max()))
        .put("count", s.count());
  }

  private static JsonObject json(Figure f) {
    return new JsonObject()
        .put("name", f.name())
        .put("unit", f.unit())
        .put("offload", number(f.offload()))
        .put("baselineName", f.baselineName())
        .put("baseline", number(f.baseline()))
        .put("ratio", number(f.ratio()));
  }

  private static JsonObject json(Effect e) {
    return new JsonObject()
        .put("name", e.name())
        .put("expected", e.expected())
        .put("done", e.done())
        .put("lost", e.lost())
        .put("duplicated", e.duplicated())
        .put("checkedBy", e.checkedBy());
  }

  private static Double number(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
  }

  private static String ms(double v) {
    return Double.isNaN(v) ? "-" : v >= 100 ? String.format("%,.0f", v) : String.format("%.1f", v);
  }
}
