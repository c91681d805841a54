package dev.offload.consumers.worker.internal;

import dev.offload.consumers.internal.Origin;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;

/**
 * The retries a worker's lanes wait for: for each origin (a record of one of its source partitions)
 * the delay-topic records that still hold its key, and whether one is being published. An origin
 * with neither is finished, and its lane may move on. Not thread-safe: used under the {@link
 * Dispatcher}'s lock.
 */
final class PendingRetries {
  /** Where a retry is stored: a delay-topic partition and offset. */
  record Position(TopicPartition partition, long offset) {}

  /** One origin's pending retries; {@code probe} finds its lane. */
  static final class Entry {
    final Origin origin;
    final WorkItem probe;
    final Set<Position> positions = new HashSet<>();
    int publishing;

    Entry(Origin origin, WorkItem probe) {
      this.origin = origin;
      this.probe = probe;
    }

    boolean isFinished() {
      return publishing == 0 && positions.isEmpty();
    }
  }

  private final Map<Origin, Entry> entries = new HashMap<>();

  /** The entry of {@code origin}, created with {@code probe} when missing. */
  Entry entry(Origin origin, WorkItem probe) {
    return entries.computeIfAbsent(origin, o -> new Entry(o, probe));
  }

  /** The entry of {@code origin}, or {@code null}. */
  Entry get(Origin origin) {
    return entries.get(origin);
  }

  /** Whether {@code position} is known as a pending retry of {@code origin}. */
  boolean contains(Origin origin, Position position) {
    Entry entry = entries.get(origin);
    return entry != null && entry.positions.contains(position);
  }

  /** Forgets {@code entry} if it is finished; true if it was. */
  boolean removeIfFinished(Entry entry) {
    if (entry.isFinished()) {
      entries.remove(entry.origin, entry);
      return true;
    }
    return false;
  }

  /**
   * Drops the positions the group committed past (their retry finished, wherever it ran) and
   * returns the entries that are finished now, forgotten.
   */
  List<Entry> finishedBelow(Map<TopicPartition, Long> committed) {
    List<Entry> finished = new ArrayList<>();
    for (var it = entries.values().iterator(); it.hasNext(); ) {
      Entry entry = it.next();
      entry.positions.removeIf(p -> p.offset() < committed.getOrDefault(p.partition(), 0L));
      if (entry.isFinished()) {
        it.remove();
        finished.add(entry);
      }
    }
    return finished;
  }

  /** Forgets and returns the entries whose origin partition {@code test} accepts. */
  List<Entry> removeOrigins(Predicate<TopicPartition> test) {
    List<Entry> removed = new ArrayList<>();
    for (var it = entries.values().iterator(); it.hasNext(); ) {
      Entry entry = it.next();
      if (test.test(entry.origin.topicPartition())) {
        it.remove();
        removed.add(entry);
      }
    }
    return removed;
  }

  /** How many origins have a pending retry. */
  int size() {
    return entries.size();
  }
}
