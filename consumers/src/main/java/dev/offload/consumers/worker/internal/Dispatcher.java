package dev.offload.consumers.worker.internal;

import dev.offload.consumers.ordering.internal.Lanes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's shared state, behind one lock: lanes of fetched records, the partitions' offsets,
 * the in-flight count and the pending retries its lanes wait for. The polling thread feeds it
 * records; it starts each ready one, up to {@code maxInFlight}, on the executor, and alone applies
 * the {@link Outcome} of its attempt (on whichever thread the attempt ended): done, retried in
 * place or held after a wait, sent to a delay topic, or dead-lettered (a refused letter is sent
 * again with backoff, its key waiting). Each outcome starts whatever became ready, so a completion
 * starts the next record of its key without waiting for the next poll.
 *
 * <p>A record of a source partition that goes to a delay topic leaves a ticket on its lane, named
 * by its origin, and its retry's delay-topic position in {@link PendingRetries}. The ticket comes
 * off when the retry comes back to this worker, or when the group's committed offset on the delay
 * partition passed every known position of the origin ({@link #releaseFinished}): the retry
 * finished on whichever member read it. Pending retries of source partitions this worker was newly
 * assigned are found in the delay topics themselves ({@link #found}).
 */
public final class Dispatcher {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  /** The first wait before a dead letter that Kafka refused is sent again. */
  static final Duration DEAD_LETTER_BACKOFF = Duration.ofSeconds(1);

  /** The longest wait between tries of a refused dead letter. */
  static final Duration DEAD_LETTER_BACKOFF_MAX = Duration.ofSeconds(30);

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Lanes<WorkItem> lanes = new Lanes<>(WorkItem::lane);
  private final AssignedPartitions assigned = new AssignedPartitions();
  private final PendingRetries pending = new PendingRetries(lanes);
  private final Predicate<String> isSourceTopic;
  private final Set<WorkItem> waitingRetries = new HashSet<>();
  private final Set<WorkItem> abandoned = new HashSet<>();
  private final int maxInFlight;
  private final RecordProcessor<?> processor;
  private final FailedRecordPublisher publisher;
  private final WorkerRuntime runtime;
  private int inFlight;
  private boolean stopping;
  private volatile int inFlightSnapshot;
  private volatile int bufferedSnapshot;
  private volatile int pendingSnapshot;

  /**
   * A dispatcher that runs at most {@code maxInFlight} attempts of {@code processor} at once, on
   * the runtime's executor, for records of the topics {@code isSourceTopic} accepts and of delay
   * topics; failed records leave through {@code publisher}.
   */
  Dispatcher(
      int maxInFlight,
      Predicate<String> isSourceTopic,
      RecordProcessor<?> processor,
      FailedRecordPublisher publisher,
      WorkerRuntime runtime) {
    this.maxInFlight = maxInFlight;
    this.isSourceTopic = isSourceTopic;
    this.processor = processor;
    this.publisher = publisher;
    this.runtime = runtime;
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
    if (item.fromDelayTopic()) {
      pending.returned(item);
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
    start.forEach(this::start);
  }

  /** Runs the current attempt of {@code item} on the executor, then applies its outcome. */
  private void start(WorkItem item) {
    try {
      runtime.executor().execute(() -> processor.attempt(item).whenComplete(applyTo(item)));
    } catch (RejectedExecutionException e) {
      abandoned(item);
    }
  }

  private BiConsumer<Outcome, Throwable> applyTo(WorkItem item) {
    return (outcome, error) -> {
      if (error != null) {
        log.error("The attempt of {} ended unexpectedly; it is redelivered", item, error);
        abandoned(item);
      } else {
        apply(item, outcome);
      }
    };
  }

  /** Applies the outcome of {@code item}'s attempt to its lane and its partition's offsets. */
  private void apply(WorkItem item, Outcome outcome) {
    if (outcome instanceof Outcome.Done) {
      completed(item);
    } else if (outcome instanceof Outcome.RetryInPlace retry) {
      waitThen(item, retry.delay(), () -> nextAttempt(item));
    } else if (outcome instanceof Outcome.Held held) {
      waitThen(item, held.pause(), () -> start(item));
    } else if (outcome instanceof Outcome.Delayed delayed) {
      sendToDelayTopic(item, delayed);
    } else {
      deadLetter(item, (Outcome.DeadLetter) outcome, DEAD_LETTER_BACKOFF);
    }
  }

  private void nextAttempt(WorkItem item) {
    item.nextAttempt();
    start(item);
  }

  /**
   * Runs {@code then} after {@code delay}, {@code item} keeping its slot and its lane meanwhile;
   * unless the worker stops or the partition is revoked first: the record is then dropped
   * unfinished, and redelivered.
   */
  private void waitThen(WorkItem item, Duration delay, Runnable then) {
    if (!retryWaiting(item)) {
      log.debug("Dropped the retry of {}: stopping or revoked; it is redelivered", item);
      return;
    }
    try {
      runtime
          .scheduler()
          .schedule(
              delay,
              () -> {
                if (retryDue(item)) {
                  then.run();
                }
              });
    } catch (RejectedExecutionException e) {
      if (retryDue(item)) {
        abandoned(item);
      }
    }
  }

  private void sendToDelayTopic(WorkItem item, Outcome.Delayed delayed) {
    parking(item);
    publisher
        .toDelayTopic(item, delayed, this::assignedPartitions)
        .whenComplete(
            (stored, error) -> {
              if (error == null) {
                delayed(item, stored);
              } else {
                log.warn(
                    "Could not publish the retry of event {} at {} ({}); retrying in place",
                    item.eventId(),
                    item.origin(),
                    error.toString());
                delayFailed(item);
                waitThen(item, delayed.delay(), () -> nextAttempt(item));
              }
            });
  }

  /**
   * Sends the dead letter of {@code item}; a refused one is sent again after {@code backoff}
   * (doubling up to {@link #DEAD_LETTER_BACKOFF_MAX}), the record holding its key and its
   * partition's commits meanwhile: while Kafka refuses the letter, nothing behind it is committed,
   * and nothing is lost.
   */
  private void deadLetter(WorkItem item, Outcome.DeadLetter letter, Duration backoff) {
    publisher
        .toDeadLetters(item, letter)
        .whenComplete(
            (stored, error) -> {
              if (error == null) {
                runtime.metrics().deadLettered(letter.reason());
                completed(item);
                return;
              }
              log.warn(
                  "Could not dead-letter event {} at {} ({}); trying again in {} ms, its key"
                      + " waiting",
                  item.eventId(),
                  item.origin(),
                  error.toString(),
                  backoff.toMillis());
              Duration doubled = backoff.multipliedBy(2);
              Duration next =
                  doubled.compareTo(DEAD_LETTER_BACKOFF_MAX) > 0
                      ? DEAD_LETTER_BACKOFF_MAX
                      : doubled;
              waitThen(item, backoff, () -> deadLetter(item, letter, next));
            });
  }

  /** {@code item} is done (handled or dead-lettered): its offset and its lane move on. */
  private void completed(WorkItem item) {
    withLock(
        () -> {
          finish(item);
          item.offsets().done(item.record().offset());
          lanes.release(item);
        });
    dispatch();
  }

  /** {@code item} is about to go to a delay topic: its lane holds its origin as a ticket. */
  private void parking(WorkItem item) {
    withLock(
        () -> {
          if (item.lane() == item) {
            lanes.release(item); // unordered: nothing waits behind this record
          } else {
            pending.publishing(item);
          }
        });
  }

  /**
   * {@code item}'s retry is {@code stored} in a delay partition: its own offset is done, and its
   * lane keeps the ticket until that retry is finished, here or by another member.
   */
  private void delayed(WorkItem item, RecordMetadata stored) {
    TopicPartition delayPartition = new TopicPartition(stored.topic(), stored.partition());
    withLock(
        () -> {
          finish(item);
          item.offsets().done(item.record().offset());
          pending.stored(item, delayPartition, stored.offset());
        });
    dispatch();
  }

  /** {@code item}'s retry could not be stored: it takes its lane back and retries in place. */
  private void delayFailed(WorkItem item) {
    withLock(() -> pending.notStored(item));
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
              pending.hold(retry);
            }
          }
        });
  }

  /**
   * The group committed {@code committed} on the delay partitions: every pending retry below is
   * finished, and lanes with no other pending retry move on.
   */
  public void releaseFinished(Map<TopicPartition, Long> committed) {
    withLock(() -> pending.releaseFinishedBelow(committed));
    dispatch();
  }

  /** Origins whose retry a lane of this worker waits for. */
  public int pendingRetries() {
    return pendingSnapshot;
  }

  /** Whether {@code tp} is one of this worker's source partitions (not a delay partition). */
  public boolean isSource(TopicPartition tp) {
    return isSourceTopic.test(tp.topic());
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
    pending.hold(item);
  }

  /**
   * {@code item} could not be finished (its executor or scheduler refused it): its offset stays
   * uncommitted and its lane closed until the partition is revoked or the worker restarts.
   */
  private void abandoned(WorkItem item) {
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
  private boolean retryWaiting(WorkItem item) {
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
  private boolean retryDue(WorkItem item) {
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
          pending.releaseOrigins(gone::contains);
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
