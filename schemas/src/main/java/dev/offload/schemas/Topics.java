package dev.offload.schemas;

import java.util.regex.Pattern;

/** Topic naming, as fixed by the design: one place that knows how Offload names its topics. */
public final class Topics {
  /** Prefix of the topics that carry captured events: {@code offload.events.<event-type>}. */
  public static final String EVENTS_PREFIX = "offload.events.";

  /** Matches every captured-event topic. */
  public static final Pattern ALL_EVENTS = Pattern.compile(Pattern.quote(EVENTS_PREFIX) + ".+");

  private Topics() {}

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
