package dev.offload.consumers.handlers.analytics;

import java.time.Instant;
import java.util.Objects;

/**
 * One row of the page-view rollup: a path and the start of a minute.
 *
 * @param path the page's path
 * @param minute the start of the minute ({@link MinuteBucket#of(Instant)})
 */
public record PageMinute(String path, Instant minute) {
  /** Validates the fields. */
  public PageMinute {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(minute, "minute");
  }
}
