package dev.offload.consumers.worker.internal;

import dev.offload.consumers.ordering.internal.Lanes;
import dev.offload.consumers.retry.internal.RetryKey;
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
 * the in-flight count and parked retries. The polling thread feeds it records; handler completions
 * (on any thread) report back, and each report starts whatever became ready, up to {@code
 * maxInFlight}, on the executor — so a completion starts the next record of its key without waiting
 * for the next poll.
 */
public final class Dispatcher {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Lanes<WorkItem> lanes = new Lanes<>(WorkItem::lane);
  private final AssignedPartitions assigned = new AssignedPartitions();
  private final Map<RetryKey, TopicPartition> parkedIn = new HashMap<>();
  private final Set<WorkItem> waitingRetries = new HashSet<>();
  private final Set<WorkItem> abandoned = new HashSet<>();
  private final int maxInFlight;
  private final Executor executor;
  private Consumer<WorkItem> starter = item -> {};
  private int inFlight;
  private boolean stopping;
  private volatile int inFlightSnapshot;
  private volatile int bufferedSnapshot;

  /** A dispatcher that runs at most {@code maxInFlight} records at once on {@code executor}. */
  public Dispatcher(int maxInFlight, Executor executor) {
    this.maxInFlight = maxInFlight;
    this.executor = executor;
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

  /** Takes fetched records into their lanes (a returning retry into its parked lane). */
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
    if (item.fromDelayTopic() && lanes.resumeParked(item, item.retryKey())) {
      parkedIn.remove(item.retryKey());
    } else {
      lanes.add(item);
    }
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

  /** {@code item} is about to go to a delay topic: its lane waits for {@code ticket}. */
  public void parking(WorkItem item, RetryKey ticket) {
    withLock(
        () -> {
          if (item.lane() == item) {
            lanes.release(item); // unordered: nothing waits behind this record
          } else {
            lanes.park(item, ticket);
          }
        });
  }

  /**
   * {@code item}'s retry is stored in {@code delayPartition}: its offset is done. Its lane stays
   * parked only if this worker reads that partition and so will see the retry come back.
   */
  public void delayed(WorkItem item, RetryKey ticket, TopicPartition delayPartition) {
    withLock(
        () -> {
          finish(item);
          item.offsets().done(item.record().offset());
          if (!assigned.contains(delayPartition)) {
            lanes.unparkWhere(ticket::equals);
          } else if (lanes.isParked(item)) {
            parkedIn.put(ticket, delayPartition);
          }
        });
    dispatch();
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
          drop(item -> gone.contains(item.partition()));
          lanes.unparkWhere(ticket -> gone.contains(parkedIn.get(ticket)));
          parkedIn.values().removeIf(gone::contains);
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
          drop(item -> true);
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

  private void drop(Predicate<WorkItem> test) {
    lanes.removeWhere(test);
    for (var it = waitingRetries.iterator(); it.hasNext(); ) {
      WorkItem item = it.next();
      if (test.test(item)) {
        it.remove();
        finish(item);
        lanes.release(item);
      }
    }
    for (var it = abandoned.iterator(); it.hasNext(); ) {
      WorkItem item = it.next();
      if (test.test(item)) {
        it.remove();
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
      lock.unlock();
    }
  }
}
