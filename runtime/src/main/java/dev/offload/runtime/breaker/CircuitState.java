package dev.offload.runtime.breaker;

import java.util.Locale;

/**
 * The state of a {@link CircuitBreaker}: {@link #gaugeValue()} is what a single state gauge shows,
 * {@link #label()} the tag of a gauge per state.
 */
public enum CircuitState {
  /** The dependency works: every call goes through. */
  CLOSED(0),
  /** The dependency failed repeatedly: no call goes through until the open time has passed. */
  OPEN(1),
  /** The open time has passed: one probe call goes through; its outcome closes or reopens. */
  HALF_OPEN(2);

  private final int gaugeValue;

  CircuitState(int gaugeValue) {
    this.gaugeValue = gaugeValue;
  }

  /** 0 closed, 1 open, 2 half-open. */
  public int gaugeValue() {
    return gaugeValue;
  }

  /** The state as a metric tag: {@code closed}, {@code open}, {@code half_open}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
