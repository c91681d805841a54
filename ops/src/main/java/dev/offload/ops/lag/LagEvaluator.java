package dev.offload.ops.lag;

import dev.offload.ops.GroupMember;
import dev.offload.ops.lag.OffsetSampler.GroupReading;
import dev.offload.ops.lag.OffsetSampler.LogRanges;
import dev.offload.ops.lag.OldestRecordReader.Position;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Turns the reads of one poll into {@link GroupLag}s: keeps each group-partition's {@link
 * SampleWindow} and each partition's {@link OffsetHistory}, works out lag in seconds, then statuses
 * against each group's objective and time to drain. Not thread-safe: the monitor calls it under its
 * lock.
 */
final class LagEvaluator {
  private static final int HISTORY_POINTS = 360;

  private record WindowKey(String group, TopicPartition partition) {}

  private record Seconds(double value, LagSecondsSource source) {}

  private final int windowSize;
  private final LagObjectives objectives;
  private final Map<WindowKey, SampleWindow> windows = new HashMap<>();
  private final Map<TopicPartition, OffsetHistory> histories = new HashMap<>();

  LagEvaluator(int windowSize, LagObjectives objectives) {
    this.windowSize = windowSize;
    this.objectives = objectives;
  }

  /** The lag of every group read in this poll; forgets partitions and groups no longer seen. */
  List<GroupLag> evaluate(
      Collection<GroupReading> readings,
      LogRanges ranges,
      Map<Position, Instant> exact,
      Instant now) {
    Set<WindowKey> seen = new HashSet<>();
    List<GroupLag> lags = new ArrayList<>();
    for (GroupReading reading : readings) {
      lags.add(groupLag(reading, ranges, exact, now, seen));
    }
    windows.keySet().retainAll(seen);
    Set<TopicPartition> partitions = new HashSet<>();
    seen.forEach(k -> partitions.add(k.partition()));
    histories.keySet().retainAll(partitions);
    return lags;
  }

  /** Records the log ends this poll saw, for interpolation. */
  void recordHistory(LogRanges ranges, Instant now) {
    ranges
        .end()
        .forEach(
            (tp, end) ->
                histories
                    .computeIfAbsent(tp, k -> new OffsetHistory(HISTORY_POINTS))
                    .record(end, now));
  }

  private GroupLag groupLag(
      GroupReading reading,
      LogRanges ranges,
      Map<Position, Instant> exact,
      Instant now,
      Set<WindowKey> seen) {
    Duration objective = objectives.objectiveOf(reading.group());
    if (reading.error() != null) {
      return failedGroup(reading, objective, now, seen);
    }
    Map<TopicPartition, GroupMember> owners = ownersOf(reading.members());
    boolean assignmentsUnknown = !reading.members().isEmpty() && owners.isEmpty();
    List<PartitionLag> partitions = new ArrayList<>();
    for (Map.Entry<TopicPartition, Long> e : sorted(reading.committed())) {
      WindowKey key = new WindowKey(reading.group(), e.getKey());
      seen.add(key);
      GroupMember owner = owners.get(e.getKey());
      boolean present = owner != null || assignmentsUnknown;
      partitions.add(
          partitionLag(key, e.getValue(), owner, present, objective, ranges, exact, now));
    }
    LagStatus status =
        partitions.stream().map(PartitionLag::status).reduce(LagStatus.OK, LagStatus::worst);
    return new GroupLag(
        reading.group(), reading.state(), reading.members(), status, objective, partitions, null);
  }

  // Lag in seconds first: the sample carries it, and the rules judge it against the objective.
  private PartitionLag partitionLag(
      WindowKey key,
      long committed,
      GroupMember owner,
      boolean present,
      Duration objective,
      LogRanges ranges,
      Map<Position, Instant> exact,
      Instant now) {
    TopicPartition tp = key.partition();
    Seconds seconds = seconds(tp, committed, ranges, exact, now);
    LagSample sample = sample(tp, committed, ranges, present, seconds.value(), now);
    SampleWindow window = append(key, sample);
    return new PartitionLag(
        tp.topic(),
        tp.partition(),
        committed,
        ranges.end().getOrDefault(tp, -1L),
        lagRecords(tp, committed, ranges),
        seconds.value(),
        seconds.source(),
        TimeToDrain.seconds(window),
        LagRules.evaluate(window, objective),
        owner == null ? null : owner.describe(),
        sample.error());
  }

  // Keeps the windows of a group whose read failed, with a failed sample, so its gauges show ERR.
  private GroupLag failedGroup(
      GroupReading reading, Duration objective, Instant now, Set<WindowKey> seen) {
    List<PartitionLag> partitions = new ArrayList<>();
    for (WindowKey key : List.copyOf(windows.keySet())) {
      if (key.group().equals(reading.group())) {
        seen.add(key);
        append(key, LagSample.failed(now, reading.error()));
        TopicPartition tp = key.partition();
        partitions.add(
            new PartitionLag(
                tp.topic(),
                tp.partition(),
                -1,
                -1,
                0,
                Double.NaN,
                LagSecondsSource.UNKNOWN,
                Double.NaN,
                LagStatus.ERR,
                null,
                reading.error()));
      }
    }
    partitions.sort(
        Comparator.comparing(PartitionLag::topic).thenComparing(PartitionLag::partition));
    return new GroupLag(
        reading.group(),
        reading.state(),
        reading.members(),
        LagStatus.ERR,
        objective,
        partitions,
        reading.error());
  }

  private static LagSample sample(
      TopicPartition tp,
      long committed,
      LogRanges ranges,
      boolean present,
      double lagSeconds,
      Instant now) {
    String error = ranges.errors().get(tp);
    if (error != null) {
      return LagSample.failed(now, error);
    }
    long start = ranges.start().get(tp);
    long end = ranges.end().get(tp);
    if (committed > end) {
      error = "committed offset " + committed + " is beyond the log end " + end;
    } else if (committed < start) {
      error =
          "committed offset "
              + committed
              + " is below the log start "
              + start
              + ": records were deleted before the group consumed them";
    }
    return new LagSample(
        now, committed, end, present, error == null ? lagSeconds : Double.NaN, error);
  }

  private static long lagRecords(TopicPartition tp, long committed, LogRanges ranges) {
    Long end = ranges.end().get(tp);
    return end == null ? 0 : Math.max(0, end - committed);
  }

  private Seconds seconds(
      TopicPartition tp,
      long committed,
      LogRanges ranges,
      Map<Position, Instant> exact,
      Instant now) {
    if (ranges.end().get(tp) == null) {
      return new Seconds(Double.NaN, LagSecondsSource.UNKNOWN);
    }
    if (lagRecords(tp, committed, ranges) == 0) {
      return new Seconds(0, LagSecondsSource.NONE);
    }
    Instant oldest = exact.get(new Position(tp, committed));
    if (oldest != null) {
      return new Seconds(age(oldest, now), LagSecondsSource.EXACT);
    }
    OffsetHistory history = histories.get(tp);
    return history == null
        ? new Seconds(Double.NaN, LagSecondsSource.UNKNOWN)
        : history
            .appendTime(committed)
            .map(t -> new Seconds(age(t, now), LagSecondsSource.INTERPOLATED))
            .orElse(new Seconds(Double.NaN, LagSecondsSource.UNKNOWN));
  }

  // A record stamped in the future (producer clock ahead of ours) counts as age zero.
  private static double age(Instant appended, Instant now) {
    return Math.max(0, Duration.between(appended, now).toNanos() / 1e9);
  }

  private SampleWindow append(WindowKey key, LagSample sample) {
    SampleWindow window = windows.getOrDefault(key, SampleWindow.empty(windowSize)).append(sample);
    windows.put(key, window);
    return window;
  }

  private static Map<TopicPartition, GroupMember> ownersOf(List<GroupMember> members) {
    Map<TopicPartition, GroupMember> owners = new HashMap<>();
    members.forEach(m -> m.partitions().forEach(tp -> owners.put(tp, m)));
    return owners;
  }

  private static List<Map.Entry<TopicPartition, Long>> sorted(Map<TopicPartition, Long> offsets) {
    return offsets.entrySet().stream()
        .sorted(
            Comparator.comparing((Map.Entry<TopicPartition, Long> e) -> e.getKey().topic())
                .thenComparing(e -> e.getKey().partition()))
        .toList();
  }
}
