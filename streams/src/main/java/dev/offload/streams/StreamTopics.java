package dev.offload.streams;

import java.util.regex.Pattern;

/**
 * Names of the topics that stream processors write, as fixed by the design: {@code
 * offload.work.<handler>}, {@code offload.analytics.<view>} and {@code offload.dlq.<group>}.
 */
public final class StreamTopics {
  /** Prefix of routed work topics. */
  public static final String WORK_PREFIX = "offload.work.";

  /** Prefix of stream-processor output topics. */
  public static final String ANALYTICS_PREFIX = "offload.analytics.";

  /** Prefix of dead-letter topics. */
  public static final String DLQ_PREFIX = "offload.dlq.";

  private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");

  private StreamTopics() {}

  /** The work topic of {@code handler}, for example {@code offload.work.email}. */
  public static String work(String handler) {
    return WORK_PREFIX + requireLegal("handler", handler);
  }

  /**
   * The output topic of an analytics {@code view}, for example {@code offload.analytics.counts}.
   */
  public static String analytics(String view) {
    return ANALYTICS_PREFIX + requireLegal("view", view);
  }

  /** The dead-letter topic of a stream application (its {@code application.id}). */
  public static String deadLetters(String applicationId) {
    return DLQ_PREFIX + requireLegal("applicationId", applicationId);
  }

  /**
   * Returns {@code part} when it may appear in a topic name.
   *
   * @throws IllegalArgumentException naming {@code field} otherwise
   */
  public static String requireLegal(String field, String part) {
    if (part == null || !LEGAL.matcher(part).matches() || part.length() > 200) {
      throw new IllegalArgumentException(
          field
              + ": must be 1-200 characters of letters, digits, '.', '_' or '-', got '"
              + part
              + "'");
    }
    return part;
  }
}
