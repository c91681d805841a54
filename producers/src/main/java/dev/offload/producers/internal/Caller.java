package dev.offload.producers.internal;

import java.util.Set;

/**
 * Who sent a request: a producer app (by its key) or the built-in app of keyless requests.
 *
 * @param app the app's name, stored as each event's producer
 * @param eventTypes the types it may publish; empty means any
 */
public record Caller(String app, Set<String> eventTypes) {
  /** Copies the set. */
  public Caller {
    eventTypes = Set.copyOf(eventTypes);
  }

  /** An app that may publish any type. */
  public static Caller anyType(String app) {
    return new Caller(app, Set.of());
  }

  /** Whether it may publish {@code type}. */
  public boolean mayPublish(String type) {
    return eventTypes.isEmpty() || eventTypes.contains(type);
  }
}
