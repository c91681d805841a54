package dev.offload.consumers.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Reads and writes UTF-8 record headers; lenient on read, since headers come from outside. */
public final class HeaderValues {
  private HeaderValues() {}

  /** The last value of {@code name} as text, or {@code null}. */
  public static String text(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }

  /** The last value of {@code name} as an integer, or {@code fallback} when absent or malformed. */
  public static long number(Headers headers, String name, long fallback) {
    String text = text(headers, name);
    if (text == null) {
      return fallback;
    }
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  /** The last value of {@code name} as an ISO-8601 instant, or {@code null}. */
  public static Instant instant(Headers headers, String name) {
    String text = text(headers, name);
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text.trim());
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** Replaces every value of {@code name} with {@code value}. */
  public static void put(Headers headers, String name, String value) {
    headers.remove(name);
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  /** Replaces every value of {@code name} with {@code value} in decimal. */
  public static void put(Headers headers, String name, long value) {
    put(headers, name, Long.toString(value));
  }

  /** Replaces every value of {@code name} with {@code value} in ISO-8601. */
  public static void put(Headers headers, String name, Instant value) {
    put(headers, name, value.toString());
  }
}
