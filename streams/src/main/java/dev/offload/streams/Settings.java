package dev.offload.streams;

import dev.offload.runtime.config.DurationText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads typed values out of a YAML section (a {@code Map<String, Object>}), naming the offending
 * field in every error; {@link TopologyContext#typedSettings()} hands one to each topology.
 */
public final class Settings {
  private final String path;
  private final Map<String, Object> values;

  private Settings(String path, Map<String, Object> values) {
    this.path = path;
    this.values = values == null ? Map.of() : values;
  }

  /** Settings under {@code path} (used as prefix of field names in errors). */
  public static Settings of(String path, Map<String, Object> values) {
    return new Settings(path, values);
  }

  /** The field name as errors print it. */
  public String field(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** Whether {@code key} is present. */
  public boolean has(String key) {
    return values.get(key) != null;
  }

  /** A string value, or {@code fallback} when absent. */
  public String string(String key, String fallback) {
    Object v = values.get(key);
    return v == null ? fallback : v.toString();
  }

  /** An integer value, or {@code fallback} when absent. */
  public int integer(String key, int fallback) {
    Object v = values.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(field(key) + ": not an integer: '" + v + "'", e);
    }
  }

  /** A duration ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d} or ISO-8601). */
  public Duration duration(String key, Duration fallback) {
    Object v = values.get(key);
    return v == null ? fallback : parseDuration(field(key), v.toString());
  }

  /** A regular expression. */
  public Pattern pattern(String key, Pattern fallback) {
    Object v = values.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Pattern.compile(v.toString());
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(field(key) + ": not a regular expression: " + v, e);
    }
  }

  /** An enum constant, matched case-insensitively with '-' read as '_'. */
  public <E extends Enum<E>> E enumValue(String key, Class<E> type, E fallback) {
    Object v = values.get(key);
    if (v == null) {
      return fallback;
    }
    String name = v.toString().trim().toUpperCase(Locale.ROOT).replace('-', '_');
    try {
      return Enum.valueOf(type, name);
    } catch (IllegalArgumentException e) {
      List<String> allowed = new ArrayList<>();
      for (E c : type.getEnumConstants()) {
        allowed.add(c.name().toLowerCase(Locale.ROOT).replace('_', '-'));
      }
      throw new IllegalArgumentException(field(key) + ": '" + v + "' is not one of " + allowed, e);
    }
  }

  /** A nested section, empty when absent. */
  public Map<String, Object> section(String key) {
    Object v = values.get(key);
    if (v == null) {
      return Map.of();
    }
    if (!(v instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(field(key) + ": expected a mapping, got '" + v + "'");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, val) -> out.put(String.valueOf(k), val));
    return out;
  }

  /** A mapping of names to lists of strings (a single string counts as a list of one). */
  public Map<String, List<String>> listMap(String key) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    section(key)
        .forEach(
            (k, v) -> {
              if (v instanceof List<?> list) {
                out.put(k, list.stream().map(String::valueOf).toList());
              } else if (v == null) {
                out.put(k, List.of());
              } else {
                out.put(k, List.of(v.toString()));
              }
            });
    return out;
  }

  /** Parses {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d} or ISO-8601. */
  public static Duration parseDuration(String field, String text) {
    return DurationText.parse(field, text);
  }
}
