package dev.offload.schemas;

import java.util.regex.Pattern;

/** Rules for event type names: kebab-case, lower-case ASCII, starting with a letter. */
public final class EventTypes {
  /** Longest event type accepted; keeps topic names far below Kafka's 249-character limit. */
  public static final int MAX_LENGTH = 100;

  private static final Pattern KEBAB_CASE = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

  private EventTypes() {}

  /** Whether {@code type} is a valid event type name such as {@code user-signed-up}. */
  public static boolean isValid(String type) {
    return type != null && type.length() <= MAX_LENGTH && KEBAB_CASE.matcher(type).matches();
  }

  /**
   * Returns {@code type} if valid.
   *
   * @throws IllegalArgumentException naming the rule when it is not
   */
  public static String requireValid(String type) {
    if (!isValid(type)) {
      throw new IllegalArgumentException(
          "event type must be kebab-case (lower-case letters, digits and single hyphens, starting"
              + " with a letter, at most "
              + MAX_LENGTH
              + " characters): '"
              + type
              + "'");
    }
    return type;
  }
}
