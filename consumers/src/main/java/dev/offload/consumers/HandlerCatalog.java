package dev.offload.consumers;

import dev.offload.consumers.handlers.analytics.AnalyticsDefinition;
import dev.offload.consumers.handlers.email.EmailDefinition;
import dev.offload.consumers.handlers.eventlog.EventLogHandler;
import dev.offload.consumers.handlers.index.IndexDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The handlers the worker role can run by name: {@code email}, {@code index}, {@code analytics}
 * (each on its work topic {@code offload.work.<handler>}) and {@code event-log} (every event topic,
 * for {@code offload dev}).
 */
public final class HandlerCatalog {
  private final Map<String, HandlerDefinition<?>> byName;

  private HandlerCatalog(Map<String, HandlerDefinition<?>> byName) {
    this.byName = byName;
  }

  /** The built-in handlers. */
  public static HandlerCatalog builtIns() {
    Map<String, HandlerDefinition<?>> all = new LinkedHashMap<>();
    for (HandlerDefinition<?> handler :
        List.of(
            new EmailDefinition(),
            new IndexDefinition(),
            new AnalyticsDefinition(),
            new EventLogHandler())) {
      all.put(handler.name(), handler);
    }
    return new HandlerCatalog(all);
  }

  /** Every handler, in the order above. */
  public List<HandlerDefinition<?>> all() {
    return new ArrayList<>(byName.values());
  }

  /** The handler called {@code name}, if any. */
  public Optional<HandlerDefinition<?>> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /**
   * The handler called {@code name}.
   *
   * @throws IllegalArgumentException listing the known names when there is none
   */
  public HandlerDefinition<?> require(String name) {
    return find(name)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no handler named '" + name + "'; known: " + byName.keySet()));
  }
}
