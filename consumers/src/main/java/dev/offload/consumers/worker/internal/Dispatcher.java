package dev.offload.consumers.worker.internal;

import dev.offload.consumers.ordering.internal.Lanes;
import dev.offload.consumers.worker.internal.PendingRetries.Entry;
import dev.offload.consumers.worker.internal.PendingRetries.Position;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The worker's shared state, behind one lock: lanes of fetched records, the partitions' offsets,
 * the in-flight count and the pending retries its lanes wait for. The polling thread feeds it
 * records; handler completions (on any thread) report back, and each report starts whatever became
 * ready, up to {@code maxInFlight}, on the executor — so a completion starts the next record of its
 * key without waiting for the next poll.
 *
 * <p>A record of a source partition that goes to a delay topic leaves a ticket on its lane, named
 * by its origin, and its retry's delay-topic position in {@link PendingRetries}. The ticket comes
 * off when the retry comes back to this worker, or when the group's committed offset on the delay
 * partition passed every known position of the origin ({@link #releaseFinished}): the retry
 * finished on whichever member read it. Pending retries of source partitions this worker was newly
 * assigned are found in the delay topics themselves ({@link #found}).
 */
public final class Dispatcher {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Lanes<WorkItem> lanes = new Lanes<>(WorkItem::lane);
  private final AssignedPartitions assigned = new AssignedPartitions();
  private final PendingRetries pending = new PendingRetries();
  private final Set<String> sourceTopics;
  private final Set<WorkItem> waitingRetries = new HashSet<>();
  private final Set<WorkItem> abandoned = new HashSet<>();
  private final int maxInFlight;
  private final Executor executor;
  private Consumer<WorkItem> starter = item -> {};
  private int inFlight;
  private boolean stopping;
  private volatile int inFlightSnapshot;
  private volatile int bufferedSnapshot;
  private volatile int pendingSnapshot;

  /**
   * A dispatcher that runs at most {@code maxInFlight} records at once on {@code executor}, for
   * records of {@code sourceTopics} and of delay topics.
   */
  public Dispatcher(int maxInFlight, Executor executor, Collection<String> sourceTopics) {
    this.maxInFlight = maxInFlight;
    this.executor = executor;
    this.sourceTopics = Set.copyOf(sourceTopics);
  }

  /** What starting a record means; set once before records arrive. */
  public void onStart(Consumer<WorkItem> value) {
    this.starter = value;
  }

  /** Partitions were assigned: track their offsets. */
  public void assigned(Collection<TopicPartition> partitions) {
    withLock(() -> assigned.assign(partitions));
  }

  /** The assigned partitions of {@code topic}, by number. */
  public List<TopicPartition> assignedPartitions(String topic) {
    return locked(() -> assigned.of(topic));
  }

  /** Takes fetched records into their lanes (a returning retry ahead of its lane's waiting). */
  public void accept(List<WorkItem> items) {
    withLock(() -> items.forEach(this::enqueue));
    dispatch();
  }

  private void enqueue(WorkItem item) {
    PartitionOffsets offsets = assigned.get(item.partition());
    if (offsets == null || stopping) {
      return;
    }
    offsets.started(item.record().offset());
    item.offsets(offsets);
    if (!item.fromDelayTopic()) {
      lanes.add(item);
      return;
    }
    Entry entry = pending.get(item.origin());
    if (entry != null) {
      entry.positions.remove(position(item));
      pending.removeIfFinished(entry);
    }
    lanes.resume(item, item.origin());
  }

  /** Starts ready records while there is room. */
  public void dispatch() {
    List<WorkItem> start = new ArrayList<>();
    withLock(
        () -> {
          WorkItem item;
          while (!stopping && inFlight < maxInFlight && (item = lanes.nextReady()) != null) {
            inFlight++;
            item.offsets().adjustInFlight(1);
            start.add(item);
          }
        });
    for (WorkItem item : start) {
      try {
        executor.execute(() -> starter.accept(item));
      } catch (RejectedExecutionException e) {
        abandoned(item);
      }
    }
  }

  /** {@code item} is done (handled or dead-lettered): its offset and its lane move on. */
  public void completed(WorkItem item) {
    withLock(
        () -> {
          finish(item);
          item.offsets().done(item.record().offset());
          lanes.release(item);
        });
    dispatch();
  }

  /** {@code item} is about to go to a delay topic: its lane holds its origin as a ticket. */
  public void parking(WorkItem item) {
    withLock(
        () -> {
          if (item.lane() == item) {
            lanes.release(item); // unordered: nothing waits behind this record
          } else {
            pending.entry(item.origin(), item).publishing++;
            lanes.park(item, item.origin());
          }
        });
  }

  /**
   * {@code item}'s retry is stored at {@code offset} of {@code delayPartition}: its own offset is
   * done, and its lane keeps the ticket until that retry is finished, here or by another member.
   */
  public void delayed(WorkItem item, TopicPartition delayPartition, long offset) {
    withLock(
        () -> {
          finish(item);
          item.offsets().done(item.record().offset());
          Entry entry = pending.get(item.origin());
          if (entry != null) {
            entry.publishing = Math.max(0, entry.publishing - 1);
            entry.positions.add(new Position(delayPartition, offset));
            if (pending.removeIfFinished(entry)) {
              lanes.unpark(entry.probe, entry.origin);
            }
          }
        });
    dispatch();
  }

  /** {@code item}'s retry could not be stored: it takes its lane back and retries in place. */
  public void delayFailed(WorkItem item) {
    withLock(
        () -> {
          Entry entry = pending.get(item.origin());
          if (entry != null) {
            entry.publishing = Math.max(0, entry.publishing - 1);
            pending.removeIfFinished(entry);
          }
          lanes.reoccupy(item, item.origin());
        });
  }

  /**
   * Retries found in the delay topics ({@code retries}, read from there) that may hold a lane of
   * this worker: those of its source partitions that the group has not committed past ({@code
   * committed}, by delay partition) and that this worker did not fetch itself. Their lanes hold
   * their origin until they are finished.
   */
  public void found(List<WorkItem> retries, Map<TopicPartition, Long> committed) {
    withLock(
        () -> {
          for (WorkItem retry : retries) {
            if (mayHold(retry, committed)) {
              Entry entry = pending.entry(retry.origin(), retry);
              entry.positions.add(position(retry));
              lanes.hold(entry.probe, entry.origin);
            }
          }
        });
  }

  /**
   * The group committed {@code committed} on the delay partitions: every pending retry below is
   * finished, and lanes with no other pending retry move on.
   */
  public void releaseFinished(Map<TopicPartition, Long> committed) {
    withLock(() -> pending.finishedBelow(committed).forEach(e -> lanes.unpark(e.probe, e.origin)));
    dispatch();
  }

  /** Origins whose retry a lane of this worker waits for. */
  public int pendingRetries() {
    return pendingSnapshot;
  }

  /** Whether {@code tp} is one of this worker's source partitions (not a delay partition). */
  public boolean isSource(TopicPartition tp) {
    return sourceTopics.contains(tp.topic());
  }

  private boolean mayHold(WorkItem retry, Map<TopicPartition, Long> committed) {
    TopicPartition origin = retry.origin().topicPartition();
    if (retry.lane() == retry || !isSource(origin) || !assigned.contains(origin)) {
      return false;
    }
    long offset = retry.record().offset();
    if (offset < committed.getOrDefault(retry.partition(), 0L)) {
      return false;
    }
    PartitionOffsets here = assigned.get(retry.partition());
    return here == null || !here.hasFetched(offset);
  }

  /**
   * A retry that is dropped unfinished (its delay partition moved) will run on another member: its
   * lane holds its origin again, if that origin's partition stays here.
   */
  private void holdAgain(WorkItem item, Set<TopicPartition> gone) {
    TopicPartition origin = item.origin().topicPartition();
    if (!item.fromDelayTopic()
        || item.lane() == item
        || gone.contains(origin)
        || !isSource(origin)
        || !assigned.contains(origin)) {
      return;
    }
    pending.entry(item.origin(), item).positions.add(position(item));
    lanes.hold(item, item.origin());
  }

  private static Position position(WorkItem item) {
    return new Position(item.partition(), item.record().offset());
  }

  /**
   * {@code item} could not be finished (its dead letter was not stored): its offset stays
   * uncommitted and its lane closed until the partition is revoked or the worker restarts.
   */
  public void abandoned(WorkItem item) {
    withLock(
        () -> {
          finish(item);
          abandoned.add(item);
        });
    dispatch();
  }

  /**
   * {@code item} waits in place for a retry, keeping its slot and lane.
   *
   * @return false when the worker stops or the partition was revoked: the record is dropped
   *     unfinished and redelivered later
   */
  public boolean retryWaiting(WorkItem item) {
    return locked(
        () -> {
          if (stopping || item.offsets().isRetired()) {
            finish(item);
            lanes.release(item);
            return false;
          }
          waitingRetries.add(item);
          return true;
        });
  }

  /** The in-place retry of {@code item} is due; false if it was dropped meanwhile. */
  public boolean retryDue(WorkItem item) {
    return locked(() -> waitingRetries.remove(item));
  }

  /**
   * The consumer's {@code positions}, read after the records fetched before them were accepted: a
   * partition with nothing left to do may commit up to its position (past transaction markers).
   */
  public void drainedTo(Map<TopicPartition, Long> positions) {
    withLock(() -> assigned.drainedTo(positions));
  }

  /** Offsets that moved since they were last taken, marked as committed. */
  public Map<TopicPartition, OffsetAndMetadata> takeCommittable() {
    return locked(assigned::takeCommittable);
  }

  /** The commit of {@code offsets} failed: take them again next time. */
  public void commitFailed(Map<TopicPartition, OffsetAndMetadata> offsets) {
    withLock(() -> assigned.commitFailed(offsets));
  }

  /**
   * Partitions are revoked: drops their waiting records, waits up to {@code wait} for their
   * in-flight ones, and returns the offsets to commit for them.
   */
  public Map<TopicPartition, OffsetAndMetadata> revoke(
      Collection<TopicPartition> partitions, Duration wait) {
    Set<TopicPartition> gone = new HashSet<>(partitions);
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    withLock(
        () -> {
          drop(item -> gone.contains(item.partition()), item -> holdAgain(item, gone));
          pending.removeOrigins(gone::contains).forEach(e -> lanes.unpark(e.probe, e.origin));
          awaitDrained(gone, wait);
          offsets.putAll(assigned.retire(gone));
        });
    dispatch();
    return offsets;
  }

  /** Stops starting records and drops the waiting ones; in-flight records finish. */
  public void stop() {
    withLock(
        () -> {
          stopping = true;
          drop(item -> true, item -> {});
        });
  }

  /** Waits up to {@code timeout} until no record is in flight; true if none is. */
  public boolean awaitIdle(Duration timeout) {
    lock.lock();
    try {
      long nanos = timeout.toNanos();
      while (inFlight > 0 && nanos > 0) {
        nanos = changed.awaitNanos(nanos);
      }
      return inFlight == 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return inFlight == 0;
    } finally {
      lock.unlock();
    }
  }

  /** Records being handled or waiting in place for a retry. */
  public int inFlight() {
    return inFlightSnapshot;
  }

  /** Records fetched and waiting for their turn. */
  public int buffered() {
    return bufferedSnapshot;
  }

  private void drop(Predicate<WorkItem> test, Consumer<WorkItem> beforeRelease) {
    lanes.removeWhere(test, beforeRelease);
    for (var it = waitingRetries.iterator(); it.hasNext(); ) {
      WorkItem item = it.next();
      if (test.test(item)) {
        it.remove();
        finish(item);
        beforeRelease.accept(item);
        lanes.release(item);
      }
    }
    for (var it = abandoned.iterator(); it.hasNext(); ) {
      WorkItem item = it.next();
      if (test.test(item)) {
        it.remove();
        beforeRelease.accept(item);
        lanes.release(item);
      }
    }
  }

  private void awaitDrained(Set<TopicPartition> partitions, Duration wait) {
    long nanos = wait.toNanos();
    try {
      while (nanos > 0 && assigned.inFlightOf(partitions) > 0) {
        nanos = changed.awaitNanos(nanos);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void finish(WorkItem item) {
    inFlight--;
    item.offsets().adjustInFlight(-1);
    changed.signalAll();
  }

  private void withLock(Runnable action) {
    locked(
        () -> {
          action.run();
          return null;
        });
  }

  private <R> R locked(Supplier<R> action) {
    lock.lock();
    try {
      return action.get();
    } finally {
      inFlightSnapshot = inFlight;
      bufferedSnapshot = lanes.buffered();
      pendingSnapshot = pending.size();
      lock.unlock();
    }
  }
}
