package dev.offload.consumers.worker.internal;

import dev.offload.consumers.internal.Origin;
import dev.offload.consumers.ordering.Ordering;
import dev.offload.schemas.HeaderValues;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.RetryHeaders;
import io.opentelemetry.context.Context;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * One consumed record on its way through the worker: its lane, its attempts and failure times.
 * Identity matters (lanes track items by reference), so equality is not overridden.
 */
public final class WorkItem {
  private final ConsumerRecord<byte[], byte[]> record;
  private final TopicPartition partition;
  private final Origin origin;
  private final boolean fromDelayTopic;
  private final Object lane;
  private PartitionOffsets offsets;
  private volatile int attempt;
  private volatile Instant firstFailedAt;
  private volatile Instant lastFailedAt;
  private final long receivedNanos = epochNanos();
  private volatile boolean started;
  private volatile Context traceContext;

  private WorkItem(ConsumerRecord<byte[], byte[]> record, Ordering ordering, boolean delayed) {
    this.record = record;
    this.partition = new TopicPartition(record.topic(), record.partition());
    this.fromDelayTopic = delayed;
    this.origin = Origin.of(record, delayed);
    this.attempt =
        (int) Math.max(1, HeaderValues.number(record.headers(), OffloadHeaders.ATTEMPT, 1));
    this.firstFailedAt =
        delayed ? HeaderValues.instant(record.headers(), RetryHeaders.FIRST_FAILED_AT) : null;
    this.lane = laneOf(ordering);
  }

  /** The item of {@code record}; {@code fromDelayTopic} when it was read from a delay topic. */
  public static WorkItem of(
      ConsumerRecord<byte[], byte[]> record, Ordering ordering, boolean fromDelayTopic) {
    return new WorkItem(record, ordering, fromDelayTopic);
  }

  private Object laneOf(Ordering ordering) {
    return switch (ordering) {
      case KEY -> record.key() == null ? origin.topicPartition() : ByteBuffer.wrap(record.key());
      case PARTITION -> origin.topicPartition();
      case UNORDERED -> this;
    };
  }

  /** When it was polled, in epoch nanoseconds. */
  long receivedNanos() {
    return receivedNanos;
  }

  /** The context its spans are children of, once its first attempt started; else null. */
  Context traceContext() {
    return traceContext;
  }

  void traceContext(Context context) {
    this.traceContext = context;
  }

  /** Whether no attempt of it had started in this worker yet; marks that one has. */
  boolean firstStart() {
    boolean first = !started;
    started = true;
    return first;
  }

  private static long epochNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  /** The record as consumed. */
  public ConsumerRecord<byte[], byte[]> record() {
    return record;
  }

  /** The partition it was consumed from, whose offset it holds back until done. */
  public TopicPartition partition() {
    return partition;
  }

  /** The event id of its headers, for logs. */
  public String eventId() {
    return HeaderValues.eventId(record.headers());
  }

  /** Where it was first consumed. */
  public Origin origin() {
    return origin;
  }

  /** Whether it was read from a delay topic. */
  public boolean fromDelayTopic() {
    return fromDelayTopic;
  }

  /** Its lane: a key, a partition or itself, by the ordering. */
  public Object lane() {
    return lane;
  }

  /** The current attempt, 1 for the first. */
  public int attempt() {
    return attempt;
  }

  /** Moves on to the next attempt. */
  public void nextAttempt() {
    attempt++;
  }

  /** Records a failure at {@code at}. */
  public void failedAt(Instant at) {
    if (firstFailedAt == null) {
      firstFailedAt = at;
    }
    lastFailedAt = at;
  }

  /** When the first attempt failed, or {@code null}. */
  public Instant firstFailedAt() {
    return firstFailedAt;
  }

  /** When the last attempt failed, or {@code null}. */
  public Instant lastFailedAt() {
    return lastFailedAt;
  }

  PartitionOffsets offsets() {
    return offsets;
  }

  void offsets(PartitionOffsets value) {
    this.offsets = value;
  }

  @Override
  public String toString() {
    return partition + "@" + record.offset() + " (origin " + origin + ", attempt " + attempt + ")";
  }
}
