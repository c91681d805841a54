package dev.offload.runtime.config;

import java.time.Duration;

/**
 * The checks configuration records make of their components, each refusing a value with an {@link
 * IllegalArgumentException} whose message starts with the key as a file names it ({@code
 * database.pool-size must be at least 1, was: 0}), so that every role words the same mistake the
 * same way.
 */
public final class ConfigChecks {
  private ConfigChecks() {}

  /** Requires text that is not blank. */
  public static String text(String value, String key) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(key + " must not be blank");
    }
    return value;
  }

  /** Requires at least {@code min}. */
  public static int atLeast(int value, int min, String key) {
    if (value < min) {
      throw new IllegalArgumentException(key + " must be at least " + min + ", was: " + value);
    }
    return value;
  }

  /**
   * Requires a port from {@code min} to 65535 ({@code -1}: no listener, {@code 0}: any free one).
   */
  public static int port(int port, int min, String key) {
    if (port < min || port > 65_535) {
      throw new IllegalArgumentException(
          key + " must be between " + min + " and 65535, was: " + port);
    }
    return port;
  }

  /** Requires a duration longer than zero. */
  public static Duration positive(Duration value, String key) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(key + " must be a positive duration, was: " + value);
    }
    return value;
  }

  /** Requires a duration of zero or more. */
  public static Duration notNegative(Duration value, String key) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException(key + " must be zero or positive, was: " + value);
    }
    return value;
  }

  /** Requires a duration from 1 ms to 24 days, what a timer of {@code int} milliseconds holds. */
  public static Duration millis(Duration value, String key) {
    if (value == null || value.toMillis() < 1 || value.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(key + " must be between 1 ms and 24 days, was: " + value);
    }
    return value;
  }
}
