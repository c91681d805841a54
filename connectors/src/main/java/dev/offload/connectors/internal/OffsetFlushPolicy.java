package dev.offload.connectors.internal;

import io.debezium.engine.spi.OffsetCommitPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * When the engine writes the connector's position: at most once per interval, whether the last
 * write succeeded or not.
 *
 * <p>Debezium's periodic policy counts the interval from the last write that succeeded, so once a
 * write fails (the disk under the offsets file full) it asks for another after every batch the
 * engine polls, empty ones included: about a hundred failed writes a second, each logged with its
 * stack trace, onto what may be the same full disk. This policy tries again one interval after the
 * failed attempt, and the position is recorded as soon as a write succeeds again.
 */
public final class OffsetFlushPolicy implements OffsetCommitPolicy {
  private final Duration interval;
  private final Clock clock;
  private long lastAttemptMillis;
  private boolean attempted;

  /** Writes at most once per {@code interval}, timed by {@code clock}. */
  public OffsetFlushPolicy(Duration interval, Clock clock) {
    if (interval == null || interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be a positive duration: " + interval);
    }
    this.interval = interval;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public synchronized boolean performCommit(
      long numberOfMessagesSinceLastCommit, Duration timeSinceLastCommit) {
    long now = clock.millis();
    if (timeSinceLastCommit.compareTo(interval) < 0
        || (attempted && now - lastAttemptMillis < interval.toMillis())) {
      return false;
    }
    attempted = true;
    lastAttemptMillis = now;
    return true;
  }
}
