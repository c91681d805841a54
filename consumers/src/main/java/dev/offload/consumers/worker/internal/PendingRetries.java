package dev.offload.consumers.worker.internal;

import dev.offload.consumers.internal.Origin;
import dev.offload.consumers.ordering.internal.Lanes;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;

/**
 * The retries a worker's lanes wait for: for each origin (a record of one of its source partitions)
 * the delay-topic records that still hold its key, and whether one is being published. The lane of
 * an origin with a pending retry holds the origin as a ticket; once the origin has neither a stored
 * nor a publishing retry it is finished, the ticket comes off and the lane may move on. Not
 * thread-safe: used under the {@link Dispatcher}'s lock.
 */
final class PendingRetries {
  /** Where a retry is stored: a delay-topic partition and offset. */
  private record Position(TopicPartition partition, long offset) {}

  /** One origin's pending retries; {@code probe} finds its lane. */
  private static final class Entry {
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
  private final Lanes<WorkItem> lanes;

  /** Pending retries whose tickets are held on {@code lanes}. */
  PendingRetries(Lanes<WorkItem> lanes) {
    this.lanes = lanes;
  }

  /** The retry of {@code item} is being published: its lane holds its origin as a ticket. */
  void publishing(WorkItem item) {
    entry(item.origin(), item).publishing++;
    lanes.park(item, item.origin());
  }

  /**
   * The retry of {@code item} is stored at {@code offset} of {@code delayPartition}: the lane keeps
   * the ticket until that retry is finished, here or by another member.
   */
  void stored(WorkItem item, TopicPartition delayPartition, long offset) {
    Entry entry = entries.get(item.origin());
    if (entry != null) {
      entry.publishing = Math.max(0, entry.publishing - 1);
      entry.positions.add(new Position(delayPartition, offset));
      releaseIfFinished(entry);
    }
  }

  /** The retry of {@code item} could not be stored: it takes its lane back from the ticket. */
  void notStored(WorkItem item) {
    Entry entry = entries.get(item.origin());
    if (entry != null) {
      entry.publishing = Math.max(0, entry.publishing - 1);
      forgetIfFinished(entry);
    }
    lanes.reoccupy(item, item.origin());
  }

  /** The delay-topic record {@code retry} came back here: it runs next in its lane. */
  void returned(WorkItem retry) {
    Entry entry = entries.get(retry.origin());
    if (entry != null) {
      entry.positions.remove(position(retry));
      forgetIfFinished(entry);
    }
    lanes.resume(retry, retry.origin());
  }

  /** The delay-topic record {@code retry} runs elsewhere: its lane holds its origin until then. */
  void hold(WorkItem retry) {
    Entry entry = entry(retry.origin(), retry);
    entry.positions.add(position(retry));
    lanes.hold(entry.probe, entry.origin);
  }

  /**
   * The group committed {@code committed} on the delay partitions: every retry below is finished,
   * wherever it ran, and lanes with no other pending retry move on.
   */
  void releaseFinishedBelow(Map<TopicPartition, Long> committed) {
    for (var it = entries.values().iterator(); it.hasNext(); ) {
      Entry entry = it.next();
      entry.positions.removeIf(p -> p.offset() < committed.getOrDefault(p.partition(), 0L));
      if (entry.isFinished()) {
        it.remove();
        lanes.unpark(entry.probe, entry.origin);
      }
    }
  }

  /** Forgets the origins of the partitions {@code test} accepts, releasing their lanes. */
  void releaseOrigins(Predicate<TopicPartition> test) {
    for (var it = entries.values().iterator(); it.hasNext(); ) {
      Entry entry = it.next();
      if (test.test(entry.origin.topicPartition())) {
        it.remove();
        lanes.unpark(entry.probe, entry.origin);
      }
    }
  }

  /** How many origins have a pending retry. */
  int size() {
    return entries.size();
  }

  private Entry entry(Origin origin, WorkItem probe) {
    return entries.computeIfAbsent(origin, o -> new Entry(o, probe));
  }

  private boolean forgetIfFinished(Entry entry) {
    if (entry.isFinished()) {
      entries.remove(entry.origin, entry);
      return true;
    }
    return false;
  }

  private void releaseIfFinished(Entry entry) {
    if (forgetIfFinished(entry)) {
      lanes.unpark(entry.probe, entry.origin);
    }
  }

  private static Position position(WorkItem item) {
    return new Position(item.partition(), item.record().offset());
  }
}
