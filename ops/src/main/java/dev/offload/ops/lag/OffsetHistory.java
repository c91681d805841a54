package dev.offload.ops.lag;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The (log-end offset, time) pairs sampled for one partition: the cheap path to a lag in seconds
 * when the record at the committed offset cannot be read.
 *
 * <p>Each distinct log-end offset keeps the first and last time it was seen. A record at offset
 * {@code c} was appended after the last time the log end was at or below {@code c} and no later
 * than the first time it was above; the estimate interpolates linearly between the two. An offset
 * older than every pair is extrapolated backwards at the average append rate of the pairs. Not
 * thread-safe: the monitor uses it under its own lock.
 */
final class OffsetHistory {
  private record Point(long offset, Instant firstSeen, Instant lastSeen) {}

  private final int capacity;
  private final Deque<Point> points = new ArrayDeque<>();

  OffsetHistory(int capacity) {
    if (capacity < 2) {
      throw new IllegalArgumentException("capacity must be at least 2, was " + capacity);
    }
    this.capacity = capacity;
  }

  /** Records that the log end was {@code logEnd} at {@code at}. */
  void record(long logEnd, Instant at) {
    Point last = points.peekLast();
    if (last != null && logEnd < last.offset()) {
      points.clear(); // the log shrank: the topic was recreated, older pairs are meaningless
      last = null;
    }
    if (last != null && logEnd == last.offset()) {
      points.pollLast();
      points.addLast(new Point(logEnd, last.firstSeen(), at));
      return;
    }
    points.addLast(new Point(logEnd, at, at));
    if (points.size() > capacity) {
      points.pollFirst();
    }
  }

  /** When the record at {@code offset} was appended, estimated; empty if the pairs cannot tell. */
  Optional<Instant> appendTime(long offset) {
    List<Point> list = new ArrayList<>(points);
    for (int i = 0; i < list.size(); i++) {
      Point above = list.get(i);
      if (above.offset() > offset) {
        return i == 0
            ? extrapolate(list, offset)
            : Optional.of(between(list.get(i - 1), above, offset));
      }
    }
    return Optional.empty();
  }

  private static Instant between(Point below, Point above, long offset) {
    double fraction = (double) (offset - below.offset() + 1) / (above.offset() - below.offset());
    long span = Duration.between(below.lastSeen(), above.firstSeen()).toNanos();
    return below.lastSeen().plusNanos(Math.round(fraction * span));
  }

  private static Optional<Instant> extrapolate(List<Point> list, long offset) {
    Point first = list.get(0);
    Point last = list.get(list.size() - 1);
    long nanos = Duration.between(first.firstSeen(), last.firstSeen()).toNanos();
    if (list.size() < 2 || nanos <= 0) {
      return Optional.empty();
    }
    double recordsPerNano = (double) (last.offset() - first.offset()) / nanos;
    return Optional.of(
        first.firstSeen().minusNanos(Math.round((first.offset() - offset) / recordsPerNano)));
  }
}
