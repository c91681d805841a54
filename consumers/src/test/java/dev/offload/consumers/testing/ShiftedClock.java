package dev.offload.consumers.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The system clock, moved forward by hand: time runs (commits and checks happen on their timers),
 * and a test makes a retry due by jumping ahead instead of waiting for it.
 */
public final class ShiftedClock extends Clock {
  private volatile Duration shift = Duration.ZERO;

  public void advance(Duration by) {
    shift = shift.plus(by);
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(shift);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
