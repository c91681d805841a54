package dev.offload.ops.replay;

import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.Objects;

/**
 * What an operator asks to replay: a range of a topic, optional filters, a target topic and a rate.
 *
 * @param topic the topic to read
 * @param from where the range starts (inclusive) in each partition
 * @param to where it ends (exclusive) in each partition; {@code null} for the log end at planning
 *     time (the last committed record; records arriving later are not replayed)
 * @param partition only this partition, or {@code null} for every partition
 * @param key copy only records with this key (UTF-8), or {@code null} for every key
 * @param eventType copy only records whose {@code offload-event-type} header is this, or {@code
 *     null} for every type
 * @param into the topic to copy into
 * @param ratePerSecond the most records copied per second; 0 (the default) for no limit
 */
@RecordBuilder
public record ReplayRequest(
    String topic,
    Position from,
    Position to,
    Integer partition,
    String key,
    String eventType,
    String into,
    double ratePerSecond)
    implements ReplayRequestBuilder.With {

  /** Validates every field and names the one that is wrong. */
  public ReplayRequest {
    requireText(topic, "topic");
    requireText(into, "into");
    Objects.requireNonNull(from, "from must be set");
    if (partition != null && partition < 0) {
      throw new IllegalArgumentException("partition must not be negative, was " + partition);
    }
    if (key != null && key.isEmpty()) {
      throw new IllegalArgumentException("key must not be empty (null for every key)");
    }
    if (eventType != null && eventType.isBlank()) {
      throw new IllegalArgumentException("eventType must not be blank (null for every type)");
    }
    if (!(ratePerSecond >= 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException(
          "ratePerSecond must be 0 (no limit) or a positive number, was " + ratePerSecond);
    }
    requireOrdered(from, to);
  }

  /**
   * Every record of {@code topic} from {@code from} to its log end, into {@code into}, no limit.
   */
  public static ReplayRequest of(String topic, Position from, String into) {
    return new ReplayRequest(topic, from, null, null, null, null, into, 0);
  }

  /** A copy limited to {@code perSecond} records per second (0: no limit). */
  public ReplayRequest withRate(double perSecond) {
    return new ReplayRequest(topic, from, to, partition, key, eventType, into, perSecond);
  }

  private static void requireOrdered(Position from, Position to) {
    if (from instanceof Position.AtTime f
        && to instanceof Position.AtTime t
        && !t.time().isAfter(f.time())) {
      throw new IllegalArgumentException(
          "to (" + t.time() + ") must be after from (" + f.time() + ")");
    }
    if (from instanceof Position.AtOffset f
        && to instanceof Position.AtOffset t
        && t.offset() <= f.offset()) {
      throw new IllegalArgumentException(
          "to (" + t.offset() + ") must be above from (" + f.offset() + ")");
    }
  }

  private static void requireText(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
  }
}
