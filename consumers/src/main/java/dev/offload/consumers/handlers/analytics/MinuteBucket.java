package dev.offload.consumers.handlers.analytics;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The rollup's time buckets: whole UTC minutes, start inclusive, end exclusive. */
public final class MinuteBucket {
  private MinuteBucket() {}

  /** The start of the minute that holds {@code time}. */
  public static Instant of(Instant time) {
    return time.truncatedTo(ChronoUnit.MINUTES);
  }

  /**
   * The minute a view counts in: when it occurred ({@code offload-occurred-at}) if known, else
   * {@code fallback} (when it is handled).
   */
  public static Instant of(Instant occurredAt, Instant fallback) {
    return of(occurredAt != null ? occurredAt : fallback);
  }
}
