package dev.offload.ops.lag;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The lag gauges: one set per group and partition, one per group. Gauges of partitions and groups
 * that a poll no longer sees are removed from the registry.
 */
final class LagMetrics {

  /** The latest values behind one set of gauges. */
  private static final class Values {
    volatile double records;
    volatile double seconds;
    volatile double status;
    volatile double drain;
    volatile double objective;
    List<Meter> meters = List.of();
  }

  private record PartitionKey(String group, String topic, int partition) {}

  private final MeterRegistry registry;
  private final Map<PartitionKey, Values> partitions = new HashMap<>();
  private final Map<String, Values> groups = new HashMap<>();

  LagMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Sets every gauge to {@code snapshot}, registering new ones and removing vanished ones. */
  synchronized void update(LagSnapshot snapshot) {
    Set<PartitionKey> seenPartitions = new HashSet<>();
    Set<String> seenGroups = new HashSet<>();
    for (GroupLag group : snapshot.groups()) {
      seenGroups.add(group.group());
      Values g = groups.computeIfAbsent(group.group(), this::registerGroup);
      g.records = group.maxLagRecords();
      g.seconds = group.maxLagSeconds();
      g.status = group.status().code();
      g.drain = group.timeToDrainSeconds();
      g.objective = group.objective().toNanos() / 1e9;
      for (PartitionLag p : group.partitions()) {
        PartitionKey key = new PartitionKey(group.group(), p.topic(), p.partition());
        seenPartitions.add(key);
        Values v = partitions.computeIfAbsent(key, this::registerPartition);
        v.records = p.lagRecords();
        v.seconds = p.lagSeconds();
        v.status = p.status().code();
      }
    }
    removeUnseen(partitions, seenPartitions);
    removeUnseen(groups, seenGroups);
  }

  /** Removes every gauge this instance registered. */
  synchronized void clear() {
    removeUnseen(partitions, Set.of());
    removeUnseen(groups, Set.of());
  }

  private Values registerPartition(PartitionKey key) {
    Tags tags =
        Tags.of("group", key.group(), "topic", key.topic(), "partition", "" + key.partition());
    return register(
        tags, LagMonitor.LAG_RECORDS, LagMonitor.LAG_SECONDS, LagMonitor.LAG_STATUS, "partition");
  }

  private Values registerGroup(String group) {
    Tags tags = Tags.of("group", group);
    Values v =
        register(
            tags,
            LagMonitor.GROUP_MAX_LAG_RECORDS,
            LagMonitor.GROUP_MAX_LAG_SECONDS,
            LagMonitor.GROUP_STATUS,
            "group");
    List<Meter> meters = new ArrayList<>(v.meters);
    meters.add(
        gauge(
            LagMonitor.GROUP_TIME_TO_DRAIN,
            tags,
            v,
            x -> x.drain,
            "Seconds until the group's lag reaches 0 at its recent consume and produce rates;"
                + " +Inf when it is not gaining, NaN if unknown."));
    meters.add(
        gauge(
            LagMonitor.GROUP_OBJECTIVE,
            tags,
            v,
            x -> x.objective,
            "Lag objective of the group in seconds: above it the group is WARN, or ERR while"
                + " growing."));
    v.meters = List.copyOf(meters);
    return v;
  }

  private Values register(Tags tags, String records, String seconds, String status, String scope) {
    Values v = new Values();
    v.meters =
        List.of(
            gauge(records, tags, v, x -> x.records, "Lag in records of the " + scope + "."),
            gauge(
                seconds,
                tags,
                v,
                x -> x.seconds,
                "Age in seconds of the oldest unconsumed record of the "
                    + scope
                    + ", NaN if unknown."),
            gauge(
                status,
                tags,
                v,
                x -> x.status,
                "Lag status of the " + scope + ": OK 0, WARN 1, STALL 2, STOP 3, ERR 4."));
    return v;
  }

  private Meter gauge(
      String name, Tags tags, Values values, ToDoubleFunction<Values> value, String help) {
    return Gauge.builder(name, values, value)
        .tags(tags)
        .description(help)
        .strongReference(true)
        .register(registry);
  }

  private <K> void removeUnseen(Map<K, Values> map, Set<K> seen) {
    map.entrySet()
        .removeIf(
            e -> {
              if (seen.contains(e.getKey())) {
                return false;
              }
              e.getValue().meters.forEach(registry::remove);
              return true;
            });
  }
}
