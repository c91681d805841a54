package dev.offload.runtime.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as configuration files write them: {@code 500ms}, {@code 30s}, {@code 10m}, {@code
 * 24h}, {@code 7d}, {@code 0}, or ISO-8601 ({@code PT1H}). The one parser every role's file and
 * every topology's section use.
 */
public final class DurationText {
  private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  private DurationText() {}

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException starting with {@code "not a duration"} and quoting the text
   */
  public static Duration parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = SHORT.matcher(t);
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
      }
      return Duration.parse(t.toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "not a duration (e.g. 500ms, 30s, 5m, 1h, PT1H): '" + text + "'", e);
    }
  }

  /**
   * Parses {@code text}, naming {@code field} in the error.
   *
   * @throws IllegalArgumentException starting with {@code "<field>: not a duration"}
   */
  public static Duration parse(String field, String text) {
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage(), e.getCause());
    }
  }

  /** Writes {@code d} in the largest unit that holds it exactly ({@code 90s}, {@code 10m}). */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0";
    }
    if (d.isNegative() || d.getNano() % 1_000_000 != 0) {
      return d.toString();
    }
    long ms = d.toMillis();
    long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
    String[] units = {"d", "h", "m", "s"};
    for (int i = 0; i < sizes.length; i++) {
      if (ms % sizes[i] == 0) {
        return ms / sizes[i] + units[i];
      }
    }
    return ms + "ms";
  }
}
