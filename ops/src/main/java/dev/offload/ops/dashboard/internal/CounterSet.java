package dev.offload.ops.dashboard.internal;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Function counters of one name, one per key, whose values are totals read from Kafka (log-end or
 * committed offsets summed). Prometheus takes their {@code rate()}. Counters of keys that a reading
 * no longer contains are removed.
 *
 * @param <K> what one counter counts, for example a topic
 */
final class CounterSet<K> {
  /** Holds the value a counter reports; the registry keeps only a weak reference to it. */
  private static final class Total {
    volatile double value;
    FunctionCounter meter;
  }

  private final MeterRegistry registry;
  private final String name;
  private final String description;
  private final Function<K, Tags> tags;
  private final Map<K, Total> totals = new HashMap<>();

  CounterSet(MeterRegistry registry, String name, String description, Function<K, Tags> tags) {
    this.registry = registry;
    this.name = name;
    this.description = description;
    this.tags = tags;
  }

  /** Sets every counter to its value in {@code values}, registering and removing as needed. */
  synchronized void set(Map<K, Long> values) {
    values.forEach((key, value) -> totals.computeIfAbsent(key, this::register).value = value);
    totals
        .entrySet()
        .removeIf(
            e -> {
              if (values.containsKey(e.getKey())) {
                return false;
              }
              registry.remove(e.getValue().meter);
              return true;
            });
  }

  /** Removes every counter of this set. */
  synchronized void clear() {
    set(Map.of());
  }

  private Total register(K key) {
    Total total = new Total();
    total.meter =
        FunctionCounter.builder(name, total, t -> t.value)
            .description(description)
            .tags(tags.apply(key))
            .register(registry);
    return total;
  }
}
