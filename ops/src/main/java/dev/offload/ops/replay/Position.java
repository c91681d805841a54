package dev.offload.ops.replay;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/** A point in a partition, as an operator gives it: an offset or an ISO-8601 time. */
public sealed interface Position permits Position.AtOffset, Position.AtTime {

  /**
   * An offset, applied to each partition and clamped to the partition's log.
   *
   * @param offset the offset; at least 0
   */
  record AtOffset(long offset) implements Position {
    /** Validates the offset. */
    public AtOffset {
      if (offset < 0) {
        throw new IllegalArgumentException("offset must not be negative, was " + offset);
      }
    }
  }

  /**
   * A time: in each partition, the first record stamped at or after it (Kafka's offsets for times),
   * or the log end when no record is that recent.
   *
   * @param time the time
   */
  record AtTime(Instant time) implements Position {
    /** Requires the time. */
    public AtTime {
      Objects.requireNonNull(time, "time must be set");
    }
  }

  /**
   * Reads {@code 1500} (an offset), {@code 2024-05-01T10:00:00Z}, {@code 2024-05-01T12:00:00+02:00}
   * or {@code 2024-05-01} (midnight UTC).
   */
  static Position parse(String text) {
    String t = Objects.requireNonNull(text, "text").trim();
    if (t.matches("\\d+")) {
      return new AtOffset(Long.parseLong(t));
    }
    return new AtTime(parseTime(t));
  }

  /** Reads an ISO-8601 instant, offset date-time or date (midnight UTC). */
  static Instant parseTime(String text) {
    String t = text.trim();
    try {
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException notDateTime) {
      try {
        return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException notDate) {
        throw new IllegalArgumentException(
            "'"
                + text
                + "' is neither an offset nor an ISO-8601 time"
                + " (examples: 1500, 2024-05-01T10:00:00Z, 2024-05-01T12:00:00+02:00, 2024-05-01)");
      }
    }
  }
}
