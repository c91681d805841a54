package dev.offload.bench.internal.pipeline;

import dev.offload.bench.PipelineReport;
import dev.offload.bench.internal.Latencies;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the steps and their latencies into the report's rows: one row per step, the stages of the
 * reference step, and the sustainable rate with the stage that bounds it.
 */
public final class PipelineSummary {
  private final Map<String, String> groupOfType;

  /**
   * A summary naming each event type's worker by its consumer group.
   *
   * @param groupOfType the group of each event type's worker, e.g. {@code page-viewed ->
   *     offload-worker-analytics}
   */
  public PipelineSummary(Map<String, String> groupOfType) {
    this.groupOfType = new LinkedHashMap<>(groupOfType);
  }

  /** The index of the step whose stages are shown: the last one no backlog kept growing in. */
  public static int reference(List<StepRun> steps) {
    int last = 0;
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).bound() == null) {
        last = i;
      }
    }
    return last;
  }

  /** One report row per step. */
  public List<PipelineReport.Step> steps(List<StepRun> steps, List<StageLatencies> latencies) {
    List<PipelineReport.Step> rows = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      StepRun s = steps.get(i);
      StageLatencies l = latencies.get(i);
      rows.add(
          new PipelineReport.Step(
              s.rate(),
              s.sent(),
              l.ack.count(),
              l.ack.count() / s.seconds(),
              p99(l.ack),
              p99(l.events),
              p99(l.work),
              p99(l.effect),
              s.bound() == null ? null : s.describeGrowing()));
    }
    return rows;
  }

  /** The stages of one step, cumulative from the 202. */
  public List<PipelineReport.Stage> stages(StageLatencies l) {
    List<PipelineReport.Stage> rows = new ArrayList<>();
    rows.add(stage("request due -> 202", l.ack));
    rows.add(stage("202 -> on offload.events.*", l.events));
    rows.add(stage("202 -> on offload.work.*", l.work));
    rows.add(
        stage(
            "202 -> mail sent (" + group(EventMix.USER_SIGNED_UP) + ")",
            l.effect(EventMix.USER_SIGNED_UP)));
    rows.add(
        stage(
            "202 -> searchable (" + group(EventMix.DOCUMENT_CHANGED) + ")",
            l.effect(EventMix.DOCUMENT_CHANGED)));
    rows.add(
        stage(
            "202 -> view counted (" + group(EventMix.PAGE_VIEWED) + ")",
            l.effect(EventMix.PAGE_VIEWED)));
    rows.add(stage("request due -> effect done (every type)", l.endToEnd));
    return rows;
  }

  /** The sustainable rate, and the stage whose backlog grew next or else the slowest stage. */
  public PipelineReport.Sustainable sustainable(List<StepRun> steps, StageLatencies reference) {
    for (int i = 0; i < steps.size(); i++) {
      StepRun s = steps.get(i);
      if (s.bound() != null) {
        int rate = i == 0 ? 0 : steps.get(i - 1).rate();
        String sustained =
            i == 0
                ? String.format("below %,d events/s (the lowest step)", s.rate())
                : String.format("%,d events/s", rate);
        String line =
            String.format(
                "sustainable rate: %s; at %,d events/s the backlog of %s kept growing"
                    + " (every growing backlog: %s)",
                sustained, s.rate(), s.bound(), s.describeGrowing());
        return new PipelineReport.Sustainable(rate, s.bound(), line);
      }
    }
    int rate = steps.get(steps.size() - 1).rate();
    Map.Entry<String, Double> slowest = slowest(reference);
    String line =
        String.format(
            "sustainable rate: at least %,d events/s (no backlog kept growing up to the highest"
                + " step); slowest stage there: %s (p99 %.1f ms)",
            rate, slowest.getKey(), slowest.getValue());
    return new PipelineReport.Sustainable(rate, slowest.getKey(), line);
  }

  /** The stage that adds the highest p99, with that p99 in ms. */
  private Map.Entry<String, Double> slowest(StageLatencies l) {
    Map<String, Latencies> hops = new LinkedHashMap<>();
    hops.put("ingest API (due -> 202)", l.ack);
    hops.put("capture (202 -> offload.events.*)", l.events);
    hops.put("router (offload.events.* -> offload.work.*)", l.routed);
    groupOfType.forEach(
        (type, group) -> hops.put(group + " (offload.work.* -> effect)", l.handled(type)));
    Map.Entry<String, Double> worst = Map.entry("none measured", 0.0);
    for (Map.Entry<String, Latencies> hop : hops.entrySet()) {
      double p99 = p99(hop.getValue());
      if (!Double.isNaN(p99) && p99 > worst.getValue()) {
        worst = Map.entry(hop.getKey(), p99);
      }
    }
    return worst;
  }

  private String group(String type) {
    return groupOfType.getOrDefault(type, type);
  }

  private static PipelineReport.Stage stage(String name, Latencies l) {
    return new PipelineReport.Stage(
        name,
        StageLatencies.at(l, 50),
        StageLatencies.at(l, 99),
        StageLatencies.at(l, 99.9),
        StageLatencies.at(l, 100),
        l.count());
  }

  private static double p99(Latencies l) {
    return StageLatencies.at(l, 99);
  }
}
