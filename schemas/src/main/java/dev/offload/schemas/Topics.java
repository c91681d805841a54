package dev.offload.schemas;

import java.util.regex.Pattern;

/** Topic naming, as fixed by the design: one place that knows how Offload names its topics. */
public final class Topics {
  /** Prefix of the topics that carry captured events: {@code offload.events.<event-type>}. */
  public static final String EVENTS_PREFIX = "offload.events.";

  /** Matches every captured-event topic. */
  public static final Pattern ALL_EVENTS = Pattern.compile(Pattern.quote(EVENTS_PREFIX) + ".+");

  /**
   * Prefix of the topics that carry change events of captured tables: {@code
   * offload.changes.<schema>.<table>}.
   */
  public static final String CHANGES_PREFIX = "offload.changes.";

  /** A PostgreSQL schema or table name that may appear in a topic name. */
  private static final Pattern TABLE_PART = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

  private Topics() {}

  /**
   * The topic that carries the change events of table {@code schema.table}.
   *
   * @throws IllegalArgumentException when either name is not a plain PostgreSQL identifier
   */
  public static String changes(String schema, String table) {
    return CHANGES_PREFIX
        + requireTablePart("schema", schema)
        + "."
        + requireTablePart("table", table);
  }

  private static String requireTablePart(String what, String name) {
    if (name == null || !TABLE_PART.matcher(name).matches()) {
      throw new IllegalArgumentException(
          what
              + " name must be a plain identifier (letters, digits, underscores; at most 63) to"
              + " name a topic: '"
              + name
              + "'");
    }
    return name;
  }

  /** The topic that carries events of {@code eventType}. */
  public static String events(String eventType) {
    return EVENTS_PREFIX + EventTypes.requireValid(eventType);
  }

  /** The event type carried by an events topic, or {@code null} when the topic is not one. */
  public static String eventTypeOf(String topic) {
    if (topic == null || !topic.startsWith(EVENTS_PREFIX)) {
      return null;
    }
    String type = topic.substring(EVENTS_PREFIX.length());
    return EventTypes.isValid(type) ? type : null;
  }
}
