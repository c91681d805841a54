package dev.offload.schemas;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.Function;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Reads and writes the UTF-8 record headers of {@link OffloadHeaders} and {@link
 * DeadLetterHeaders}: the one place that decodes a header. Lenient on read, since headers come from
 * outside: a missing header, a {@code null} header list or a malformed value reads as absent.
 */
public final class HeaderValues {
  private HeaderValues() {}

  /** The last value of {@code name} as raw bytes, or {@code null}. */
  public static byte[] bytes(Iterable<Header> headers, String name) {
    Header last = last(headers, name);
    return last == null ? null : last.value();
  }

  /** The last value of {@code name} as text, or {@code null}. */
  public static String text(Iterable<Header> headers, String name) {
    byte[] value = bytes(headers, name);
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }

  /** The last value of {@code name} as trimmed text, or {@code null} when absent or blank. */
  public static String nonBlank(Iterable<Header> headers, String name) {
    String text = text(headers, name);
    if (text == null) {
      return null;
    }
    String trimmed = text.trim();
    return trimmed.isEmpty() ? null : trimmed;
  }

  /** The event id ({@value OffloadHeaders#EVENT_ID}) as text, or {@code null}. */
  public static String eventId(Iterable<Header> headers) {
    return text(headers, OffloadHeaders.EVENT_ID);
  }

  /** The last value of {@code name} as an integer, or {@code fallback} when absent or malformed. */
  public static long number(Iterable<Header> headers, String name, long fallback) {
    Long value = parsed(headers, name, Long::parseLong);
    return value == null ? fallback : value;
  }

  /** The last value of {@code name} as an ISO-8601 instant, or {@code null}. */
  public static Instant instant(Iterable<Header> headers, String name) {
    return parsed(headers, name, Instant::parse);
  }

  private static <T> T parsed(Iterable<Header> headers, String name, Function<String, T> parse) {
    String text = text(headers, name);
    if (text == null) {
      return null;
    }
    try {
      return parse.apply(text.trim());
    } catch (NumberFormatException | DateTimeParseException e) {
      return null;
    }
  }

  /** Replaces every value of {@code name} with {@code value}; {@code null} is written empty. */
  public static void put(Headers headers, String name, String value) {
    headers.remove(name);
    headers.add(name, (value == null ? "" : value).getBytes(StandardCharsets.UTF_8));
  }

  /** Replaces every value of {@code name} with {@code value} in decimal. */
  public static void put(Headers headers, String name, long value) {
    put(headers, name, Long.toString(value));
  }

  /** Replaces every value of {@code name} with {@code value} in ISO-8601. */
  public static void put(Headers headers, String name, Instant value) {
    put(headers, name, value.toString());
  }

  private static Header last(Iterable<Header> headers, String name) {
    if (headers == null) {
      return null;
    }
    if (headers instanceof Headers kafka) {
      return kafka.lastHeader(name);
    }
    Header last = null;
    for (Header h : headers) {
      if (h.key().equals(name)) {
        last = h;
      }
    }
    return last;
  }
}
