package dev.offload.bench.internal.pipeline;

import dev.offload.bench.EffectProbe;
import dev.offload.bench.PipelineReport.Effect;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Counts, for every event answered 202, the effects it had: one mail per sign-up (by the mail's
 * event id), one document per document change (searched by its id), one view in the rollup per page
 * view (and one processed mark). Fills the effect times of the traces from the workers' marks.
 */
public final class EffectCheck {
  private final Traces traces;
  private final EffectLedger ledger;
  private final Optional<EffectProbe> probe;

  /** Checks the effects of {@code traces}' events in {@code ledger} and through {@code probe}. */
  public EffectCheck(Traces traces, EffectLedger ledger, Optional<EffectProbe> probe) {
    this.traces = traces;
    this.ledger = ledger;
    this.probe = probe;
  }

  /** Notes the time of each event's processed mark in {@code group} as its effect time. */
  public void effectTimesFromMarks(String group) throws Exception {
    ledger.marks(group).forEach(traces::effect);
  }

  /** One mail per accepted sign-up, seen by the SMTP server (or, without a probe, marked). */
  public Effect mails(String group) throws Exception {
    List<String> ids = accepted(EventMix.USER_SIGNED_UP);
    Map<String, Integer> mails;
    String how;
    if (probe.isPresent()) {
      mails = probe.get().mailsByEventId();
      how = "Message-IDs of the mails the SMTP server received";
    } else {
      mails = new java.util.HashMap<>();
      for (String id : ledger.marks(group).keySet()) {
        mails.put(id, 1);
      }
      how = "processed marks of " + group + "; the SMTP server was not visible";
    }
    return count("mails received (" + group + ")", ids, id -> mails.getOrDefault(id, 0), how);
  }

  /**
   * One document per accepted change, found by a search for its id (or, without a probe, routed).
   */
  public Effect documents(String group) throws Exception {
    List<String> ids = accepted(EventMix.DOCUMENT_CHANGED);
    if (probe.isEmpty()) {
      return count(
          "documents routed (" + group + ")",
          ids,
          id -> traces.get(id).onWork() != 0 ? 1 : 0,
          "arrivals on the work topic; the search index was not visible");
    }
    List<String> documents = ids.stream().map(id -> traces.get(id).entity()).toList();
    Map<String, Integer> hits = probe.get().documentHits(documents);
    return count(
        "documents searchable (" + group + ")",
        ids,
        id -> hits.getOrDefault(traces.get(id).entity(), 0),
        "a search for the document ids");
  }

  /** One mark per accepted page view, and as many views counted in the run's paths. */
  public Effect views(String group, String pathPrefix) throws Exception {
    List<String> ids = accepted(EventMix.PAGE_VIEWED);
    Map<String, Long> marks = ledger.marks(group);
    long marked = ids.stream().filter(marks::containsKey).count();
    long views = ledger.views(pathPrefix);
    long lost = ids.size() - marked + Math.max(0, marked - views);
    long duplicated = Math.max(0, views - marked);
    return new Effect(
        "views counted (" + group + ")",
        ids.size(),
        views,
        lost,
        duplicated,
        "processed marks and the rollup's views under " + pathPrefix);
  }

  private List<String> accepted(String type) {
    return traces.all().entrySet().stream()
        .filter(e -> type.equals(e.getValue().type()))
        .map(Map.Entry::getKey)
        .toList();
  }

  private static Effect count(String name, List<String> ids, Counter counter, String how)
      throws Exception {
    long done = 0;
    long lost = 0;
    long duplicated = 0;
    for (String id : ids) {
      int n = counter.count(id);
      done += n;
      lost += n == 0 ? 1 : 0;
      duplicated += Math.max(0, n - 1);
    }
    return new Effect(name, ids.size(), done, lost, duplicated, how);
  }

  @FunctionalInterface
  private interface Counter {
    int count(String eventId) throws Exception;
  }
}
