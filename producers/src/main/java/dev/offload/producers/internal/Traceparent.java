package dev.offload.producers.internal;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * W3C Trace Context {@code traceparent} values: {@code 00-<32 hex trace id>-<16 hex parent id>-<2
 * hex flags>}.
 *
 * <p>A header of a later version is read the way the recommendation asks (its first 55 characters,
 * followed by nothing or by {@code -}) and passed on as version {@code 00}.
 */
public final class Traceparent {
  /** Length of a version-00 value. */
  public static final int LENGTH = 55;

  private static final Pattern FORMAT =
      Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
  private static final String ZERO_TRACE_ID = "0".repeat(32);
  private static final String ZERO_PARENT_ID = "0".repeat(16);

  private Traceparent() {}

  /**
   * The traceparent to record for a request: {@code header} in version-00 form when it is valid,
   * else a new trace.
   */
  public static String resolve(String header) {
    String parsed = parse(header);
    return parsed != null ? parsed : generate();
  }

  /** Whether {@code header} is a valid traceparent (of version 00 or a later one). */
  public static boolean isValid(String header) {
    return parse(header) != null;
  }

  /** A new sampled trace: random trace id and parent id. */
  public static String generate() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = random.nextLong();
    long low = nonZero(random.nextLong());
    return "00-" + hex(high) + hex(low) + "-" + hex(nonZero(random.nextLong())) + "-01";
  }

  private static String parse(String header) {
    if (header == null || header.length() < LENGTH) {
      return null;
    }
    var matcher = FORMAT.matcher(header.substring(0, LENGTH));
    if (!matcher.matches()) {
      return null;
    }
    String version = matcher.group(1);
    boolean exactLength = header.length() == LENGTH;
    if (version.equals("ff")
        || (version.equals("00") && !exactLength)
        || (!exactLength && header.charAt(LENGTH) != '-')
        || matcher.group(2).equals(ZERO_TRACE_ID)
        || matcher.group(3).equals(ZERO_PARENT_ID)) {
      return null;
    }
    return "00" + header.substring(2, LENGTH);
  }

  private static long nonZero(long value) {
    return value != 0 ? value : 1;
  }

  private static String hex(long value) {
    String digits = Long.toHexString(value);
    return "0".repeat(16 - digits.length()) + digits;
  }
}
