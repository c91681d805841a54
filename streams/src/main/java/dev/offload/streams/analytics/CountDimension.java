package dev.offload.streams.analytics;

/** What analytics counts events by. */
public enum CountDimension {
  /** The event type ({@code offload-event-type} header, else the topic). */
  TYPE("type"),
  /** The publishing application ({@code offload-producer} header, else {@code unknown}). */
  PRODUCER("producer");

  private final String label;

  CountDimension(String label) {
    this.label = label;
  }

  /** The query parameter and topic-name spelling: {@code type} or {@code producer}. */
  public String label() {
    return label;
  }
}
