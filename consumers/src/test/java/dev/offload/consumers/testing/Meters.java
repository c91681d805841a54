package dev.offload.consumers.testing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Reads counters in tests. */
public final class Meters {
  private Meters() {}

  /** The sum of every counter called {@code name}, whatever its tags. */
  public static double count(MeterRegistry registry, String name) {
    return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
  }
}
