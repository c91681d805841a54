package dev.offload.ops.dashboard.internal;

import dev.offload.ops.lag.GroupLag;
import dev.offload.ops.lag.LagSnapshot;
import dev.offload.ops.lag.LagStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The dashboard's memory: one frame per lag snapshot, each with every group's lag and every topic's
 * throughput, kept for a fixed length of time. At the default 5 s interval and 15 minutes that is
 * 180 frames.
 */
public final class LagHistory {

  /** One group in one frame: its total lag in records, highest lag in seconds, status. */
  public record GroupPoint(long records, double seconds, LagStatus status) {}

  /**
   * Everything one snapshot contributed.
   *
   * @param at when the snapshot was taken
   * @param groups the lag of each group
   * @param topicsIn records per second produced to each topic since the previous frame
   * @param groupsOut records per second each group consumed since the previous frame, over its
   *     topics
   */
  public record Frame(
      Instant at,
      Map<String, GroupPoint> groups,
      Map<String, Double> topicsIn,
      Map<String, Double> groupsOut) {

    /** Copies the maps. */
    public Frame {
      Objects.requireNonNull(at, "at");
      groups = Map.copyOf(groups);
      topicsIn = Map.copyOf(topicsIn);
      groupsOut = Map.copyOf(groupsOut);
    }
  }

  private final Duration length;
  private final Deque<Frame> frames = new ArrayDeque<>();

  /** A history that forgets frames older than {@code length} before the newest. */
  public LagHistory(Duration length) {
    this.length = length;
  }

  /** Appends the frame of {@code snapshot} and the rates computed from it; drops old frames. */
  public synchronized void add(LagSnapshot snapshot, Map<String, Throughput.TopicRate> rates) {
    Map<String, GroupPoint> groups = new HashMap<>();
    for (GroupLag g : snapshot.groups()) {
      groups.put(g.group(), new GroupPoint(g.totalLagRecords(), g.maxLagSeconds(), g.status()));
    }
    Map<String, Double> in = new HashMap<>();
    Map<String, Double> out = new HashMap<>();
    rates
        .values()
        .forEach(
            r -> {
              in.put(r.topic(), r.in());
              r.out().forEach((group, rate) -> out.merge(group, rate, Double::sum));
            });
    frames.addLast(new Frame(snapshot.takenAt(), groups, in, out));
    Instant oldest = snapshot.takenAt().minus(length);
    while (!frames.isEmpty() && frames.peekFirst().at().isBefore(oldest)) {
      frames.removeFirst();
    }
  }

  /** The frames, oldest first. */
  public synchronized List<Frame> frames() {
    return List.copyOf(frames);
  }

  /** How far back the history reaches. */
  public Duration length() {
    return length;
  }
}
