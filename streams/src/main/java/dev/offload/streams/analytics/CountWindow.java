package dev.offload.streams.analytics;

import java.time.Duration;
import org.apache.kafka.streams.kstream.TimeWindows;

/** The windows analytics counts in. */
public enum CountWindow {
  /** One-minute tumbling windows. */
  MINUTE("1m", Duration.ofMinutes(1)),
  /** One-hour hopping windows, advancing by {@link AnalyticsConfig#hourAdvance()}. */
  HOUR("1h", Duration.ofHours(1));

  private final String label;
  private final Duration size;

  CountWindow(String label, Duration size) {
    this.label = label;
    this.size = size;
  }

  /** How queries and topic names spell it: {@code 1m} or {@code 1h}. */
  public String label() {
    return label;
  }

  /** The window length. */
  public Duration size() {
    return size;
  }

  /** The Kafka Streams windows for {@code config}. */
  TimeWindows windows(AnalyticsConfig config) {
    TimeWindows windows = TimeWindows.ofSizeAndGrace(size, config.grace());
    return this == HOUR ? windows.advanceBy(config.hourAdvance()) : windows;
  }

  /**
   * The window labelled {@code label}.
   *
   * @throws IllegalArgumentException naming the accepted labels
   */
  public static CountWindow ofLabel(String label) {
    for (CountWindow w : values()) {
      if (w.label.equals(label)) {
        return w;
      }
    }
    throw new IllegalArgumentException("window: must be 1m or 1h, got '" + label + "'");
  }
}
