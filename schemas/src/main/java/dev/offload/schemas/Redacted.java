package dev.offload.schemas;

import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * A configuration record as text with its secrets hidden: what such a record's {@code toString()}
 * returns, so a password never reaches a log line.
 */
public final class Redacted {
  /** What stands for a secret. */
  public static final String MASK = "****";

  private Redacted() {}

  /**
   * {@code config} as a record's own {@code toString()} writes it ({@code Database[user=offload,
   * password=****]}), each component named in {@code secrets} shown as {@value #MASK} when set (a
   * mapping: its keys, each value shown so).
   */
  public static String toString(Record config, String... secrets) {
    StringJoiner text = new StringJoiner(", ", config.getClass().getSimpleName() + "[", "]");
    for (RecordComponent c : config.getClass().getRecordComponents()) {
      Object value;
      try {
        c.getAccessor().setAccessible(true);
        value = c.getAccessor().invoke(config);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read " + c, e);
      }
      boolean hidden = List.of(secrets).contains(c.getName());
      if (value instanceof Map<?, ?> map && hidden) {
        Map<Object, String> keys = new TreeMap<>();
        map.keySet().forEach(key -> keys.put(key, MASK));
        value = keys;
      } else if (hidden && !Objects.toString(value, "").isEmpty()) {
        value = MASK;
      }
      text.add(c.getName() + "=" + value);
    }
    return text.toString();
  }
}
