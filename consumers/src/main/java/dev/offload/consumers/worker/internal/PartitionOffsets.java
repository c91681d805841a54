package dev.offload.consumers.worker.internal;

import java.util.OptionalLong;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;

/**
 * Offsets of one assigned partition: which fetched records are not done yet, and so what may be
 * committed — the lowest offset not done, or one past the highest seen when all are done. Offsets
 * may have gaps (compaction, transaction markers); only fetched records count. One instance per
 * assignment: after a revocation, late completions land on a retired instance. Not thread-safe.
 */
public final class PartitionOffsets {
  private final TopicPartition partition;
  private final TreeSet<Long> pending = new TreeSet<>();
  private long nextAfterSeen = -1;
  private long committed = -1;
  private int inFlight;
  private boolean retired;

  /** Offsets of {@code partition}. */
  public PartitionOffsets(TopicPartition partition) {
    this.partition = partition;
  }

  /** The partition. */
  public TopicPartition partition() {
    return partition;
  }

  /** A record at {@code offset} was fetched and is not done. */
  public void started(long offset) {
    pending.add(offset);
    nextAfterSeen = Math.max(nextAfterSeen, offset + 1);
  }

  /** Whether the record at {@code offset} was fetched in this assignment (or skipped over). */
  public boolean hasFetched(long offset) {
    return offset < nextAfterSeen;
  }

  /**
   * The consumer's position on the partition is {@code position}: when every fetched record is
   * done, what lies between them and the position (transaction markers, aborted or compacted
   * records) is done too, so the committable offset moves there. A partition written in
   * transactions ends with a marker after its last record: without this, a drained group would
   * commit one short of the log end and show a lag that never reaches 0.
   */
  public void drainedTo(long position) {
    // Before any record, a position of 0 says nothing: leave the partition uncommitted.
    if (pending.isEmpty() && position > Math.max(0, nextAfterSeen)) {
      nextAfterSeen = position;
    }
  }

  /** The record at {@code offset} is done (handled, delayed or dead-lettered). */
  public void done(long offset) {
    pending.remove(offset);
  }

  /** The offset to commit: everything below it is done; empty before any record was fetched. */
  public OptionalLong committable() {
    if (nextAfterSeen < 0) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(pending.isEmpty() ? nextAfterSeen : pending.first());
  }

  /** The committable offset if it moved since the last {@link #committed}, else empty. */
  public OptionalLong uncommitted() {
    OptionalLong next = committable();
    return next.isPresent() && next.getAsLong() != committed ? next : OptionalLong.empty();
  }

  /** {@code offset} was sent for commit. */
  public void committed(long offset) {
    committed = offset;
  }

  /** The last commit failed: commit again next time. */
  public void commitFailed() {
    committed = -1;
  }

  /** How many records of this partition are being handled. */
  public int inFlight() {
    return inFlight;
  }

  void adjustInFlight(int delta) {
    inFlight += delta;
  }

  /** Whether this assignment ended. */
  public boolean isRetired() {
    return retired;
  }

  void retire() {
    retired = true;
  }
}
