package dev.offload.consumers.breaker;

/** The state of a {@link CircuitBreaker}; {@link #gaugeValue()} is what the state gauge shows. */
public enum CircuitState {
  /** The sink works: every call goes through. */
  CLOSED(0),
  /** The sink failed repeatedly: no call goes through until the open time has passed. */
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
}
