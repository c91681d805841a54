package dev.offload.consumers.worker.internal;

import dev.offload.consumers.retry.internal.DelayTopicReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a key parked while its record waits in a delay topic, whichever member of the group reads
 * that delay partition and whichever member owns the key's source partition — state derived from
 * Kafka, so it survives a rebalance.
 *
 * <ul>
 *   <li>A newly assigned source partition stays paused until the delay topics were read from the
 *       group's committed offsets to their ends: every pending retry whose origin headers name that
 *       partition parks its key ({@link Dispatcher#found}) before the partition's first record is
 *       handled.
 *   <li>While any key is parked, on a timer (the commit interval), the group's committed offsets of
 *       the delay partitions are read, then the delay topics are read on to their ends: a parked
 *       key is released once the committed offset passed every pending retry of its record (the
 *       retry was handled, dead-lettered or moved on, by whichever member read it). Reading to ends
 *       taken after the committed offsets is what makes this safe: a retry that fails again is
 *       published to a delay topic before its own offset is marked done, so its successor is in the
 *       log before the commit that passes it, and parks the key before the old one releases.
 *   <li>A retry coming back to this worker releases its key at once, without waiting for a commit.
 * </ul>
 *
 * Records of a parked key are buffered (and count toward backpressure) while other keys flow;
 * offsets are committed only below the lowest unfinished record. Polling thread only.
 */
public final class RetryParking {
  private static final Logger log = LoggerFactory.getLogger(RetryParking.class);

  private final Dispatcher dispatcher;
  private final DelayTopicReader reader;
  private final Function<ConsumerRecord<byte[], byte[]>, WorkItem> toItem;
  private final Duration interval;
  private final Duration budget;
  private final Set<TopicPartition> unscanned = new HashSet<>();
  private final Runnable onRead;
  private boolean rewind = true;
  private Round round;
  private Instant nextCheck = Instant.MIN;

  /** What one check reads against: committed offsets, then the ends, and what it scans for. */
  private record Round(
      Set<TopicPartition> scanning,
      Map<TopicPartition, Long> committed,
      Map<TopicPartition, Long> ends) {}

  /**
   * Parking for {@code dispatcher}'s lanes.
   *
   * @param reader reads the group's delay topics
   * @param toItem makes a record read from a delay topic a work item (for its lane and origin)
   * @param interval how often to check while keys are parked
   * @param budget longest read of the delay topics per turn of the poll loop
   * @param onRead called once per delay record read, for a counter
   */
  public RetryParking(
      Dispatcher dispatcher,
      DelayTopicReader reader,
      Function<ConsumerRecord<byte[], byte[]>, WorkItem> toItem,
      Duration interval,
      Duration budget,
      Runnable onRead) {
    this.dispatcher = dispatcher;
    this.reader = reader;
    this.toItem = toItem;
    this.interval = interval;
    this.budget = budget;
    this.onRead = onRead;
  }

  /**
   * Partitions were assigned; returns the source partitions among them, which must stay paused
   * until the delay topics were read for them.
   */
  public Set<TopicPartition> assigned(Collection<TopicPartition> partitions) {
    if (!reader.hasTopics()) {
      return Set.of();
    }
    Set<TopicPartition> sources = new HashSet<>();
    for (TopicPartition tp : partitions) {
      if (dispatcher.isSource(tp)) {
        sources.add(tp);
      }
    }
    if (!sources.isEmpty()) {
      unscanned.addAll(sources);
      rewind = true;
    }
    return sources;
  }

  /** Partitions were revoked or lost. */
  public void revoked(Collection<TopicPartition> partitions) {
    unscanned.removeAll(partitions);
  }

  /** Source partitions waiting for their first read of the delay topics. */
  public Set<TopicPartition> unscanned() {
    return unscanned;
  }

  /**
   * Reads the delay topics when a newly assigned partition waits for it, or when keys are parked
   * and the interval passed; a read that does not reach the ends within the budget goes on at the
   * next turn. Returns whether some source partition may now be fetched.
   */
  public boolean checkIfDue(Instant now) {
    if (round == null && !isDue(now)) {
      return false;
    }
    try {
      return check(now);
    } catch (InterruptException e) {
      throw e;
    } catch (KafkaException e) {
      log.warn("Could not read the delay topics to park retried keys: {}", e.toString());
      round = null;
      rewind = true;
      nextCheck = now.plus(interval);
      return false;
    }
  }

  private boolean isDue(Instant now) {
    if (!unscanned.isEmpty()) {
      return true;
    }
    return dispatcher.pendingRetries() > 0 && !now.isBefore(nextCheck);
  }

  private boolean check(Instant now) {
    if (round == null) {
      round = startRound();
    }
    List<WorkItem> found = new ArrayList<>();
    boolean atEnd =
        reader.readTo(
            round.ends(),
            budget,
            record -> {
              onRead.run();
              found.add(toItem.apply(record));
            });
    dispatcher.found(found, round.committed());
    if (!atEnd) {
      return false;
    }
    dispatcher.releaseFinished(round.committed());
    boolean scanned = unscanned.removeAll(round.scanning());
    round = null;
    nextCheck = now.plus(interval);
    return scanned;
  }

  private Round startRound() {
    List<TopicPartition> partitions = reader.partitions();
    // Committed offsets first, ends after: see the class comment.
    Map<TopicPartition, Long> committed = reader.committed(partitions);
    if (rewind || !reader.isReading(partitions)) {
      reader.rewind(committed);
      rewind = false;
    }
    return new Round(Set.copyOf(unscanned), committed, reader.endOffsets(partitions));
  }
}
