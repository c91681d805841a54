package dev.offload.app;

import dev.offload.runtime.config.DurationText;
import java.time.Duration;
import picocli.CommandLine;

/**
 * Reads a duration option as the configuration files write one ({@link DurationText}): {@code
 * 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 7d}, {@code 0} or an ISO-8601 duration such
 * as {@code PT30S}.
 */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    try {
      return DurationText.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not a duration (examples: 500ms, 30s, 5m, 1h, 7d, PT30S)");
    }
  }
}
