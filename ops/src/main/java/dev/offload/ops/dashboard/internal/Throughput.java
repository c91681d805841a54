package dev.offload.ops.dashboard.internal;

import dev.offload.ops.lag.GroupLag;
import dev.offload.ops.lag.LagSnapshot;
import dev.offload.ops.lag.PartitionLag;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Records per second into and out of each topic, from two consecutive lag snapshots: in is the
 * growth of the topic's log-end offsets, out is the growth of each group's committed offsets on it.
 * Only topics some group has committed offsets for are seen, since the lag monitor reads no others.
 * Also exports the totals behind the rates as counters, so Prometheus computes the same rates.
 */
public final class Throughput {
  /** Sum of a topic's log-end offsets: records ever produced to it, tagged {@code topic}. */
  public static final String PRODUCED = "offload.topic.records.produced";

  /** Sum of a group's committed offsets on a topic, tagged {@code group} and {@code topic}. */
  public static final String CONSUMED = "offload.group.records.consumed";

  /** Rates of one topic: records per second in, and out per consuming group. */
  public record TopicRate(String topic, double in, Map<String, Double> out) {}

  private record GroupTopic(String group, String topic) {}

  /** Log-end and committed totals of one snapshot. */
  private record Totals(Map<String, Long> produced, Map<GroupTopic, Long> consumed) {}

  private final CounterSet<String> producedCounters;
  private final CounterSet<GroupTopic> consumedCounters;
  private LagSnapshot previous;
  private Totals previousTotals;

  /** Rates from snapshots; counters in {@code registry}. */
  public Throughput(MeterRegistry registry) {
    producedCounters =
        new CounterSet<>(
            registry,
            PRODUCED,
            "Records produced to the topic (sum of its log-end offsets)",
            topic -> Tags.of("topic", topic));
    consumedCounters =
        new CounterSet<>(
            registry,
            CONSUMED,
            "Records the group consumed from the topic (sum of its committed offsets)",
            key -> Tags.of("group", key.group(), "topic", key.topic()));
  }

  /**
   * The rates since the previous snapshot, by topic; empty for the first. A total that fell (a
   * topic recreated, offsets reset) counts as no throughput, not negative throughput.
   */
  public synchronized Map<String, TopicRate> update(LagSnapshot snapshot) {
    Totals totals = totalsOf(snapshot);
    producedCounters.set(totals.produced());
    consumedCounters.set(totals.consumed());
    Map<String, TopicRate> rates = new TreeMap<>();
    if (previous != null && snapshot.takenAt().isAfter(previous.takenAt())) {
      double seconds = Duration.between(previous.takenAt(), snapshot.takenAt()).toNanos() / 1e9;
      totals
          .produced()
          .forEach(
              (topic, end) -> {
                Long before = previousTotals.produced().get(topic);
                double in = before == null ? 0 : Math.max(0, end - before) / seconds;
                rates.put(topic, new TopicRate(topic, in, new TreeMap<>()));
              });
      totals
          .consumed()
          .forEach(
              (key, committed) -> {
                Long before = previousTotals.consumed().get(key);
                TopicRate rate = rates.get(key.topic());
                if (before != null && rate != null) {
                  rate.out().put(key.group(), Math.max(0, committed - before) / seconds);
                }
              });
    }
    previous = snapshot;
    previousTotals = totals;
    return rates;
  }

  /** Removes the counters. */
  public synchronized void clear() {
    producedCounters.clear();
    consumedCounters.clear();
  }

  private static Totals totalsOf(LagSnapshot snapshot) {
    // A partition's log end appears once per group that reads it; count it once.
    Map<String, Map<Integer, Long>> ends = new HashMap<>();
    Map<GroupTopic, Long> consumed = new HashMap<>();
    for (GroupLag group : snapshot.groups()) {
      for (PartitionLag p : group.partitions()) {
        if (p.logEnd() < 0 || p.committed() < 0) {
          continue;
        }
        ends.computeIfAbsent(p.topic(), t -> new HashMap<>()).put(p.partition(), p.logEnd());
        consumed.merge(new GroupTopic(group.group(), p.topic()), p.committed(), Long::sum);
      }
    }
    Map<String, Long> produced = new HashMap<>();
    ends.forEach(
        (topic, byPartition) ->
            produced.put(topic, byPartition.values().stream().mapToLong(Long::longValue).sum()));
    return new Totals(produced, consumed);
  }
}
