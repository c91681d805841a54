package dev.offload.streams.router;

import dev.offload.schemas.BuiltInEventTypes;
import dev.offload.schemas.EventTypes;
import dev.offload.schemas.Topics;
import dev.offload.schemas.config.ConfigChecks.NotNegative;
import dev.offload.schemas.config.ConfigChecks.Nullable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Configuration of the {@code router} topology.
 *
 * @param inputPattern topics to read; default every {@code offload.events.*} topic
 * @param routes routing table, event type to handler names; an event goes to {@code
 *     offload.work.<handler>} for each handler. Default {@link #DEFAULT_ROUTES}: each built-in type
 *     to the worker handler that acts on it
 * @param unknownTypes what happens to types missing from the table; default {@link
 *     UnknownTypes#DROP}
 * @param catchAllTopic where {@link UnknownTypes#CATCH_ALL} sends them; default {@code
 *     offload.work.unrouted}
 * @param dedupRetention how long an event id is remembered to drop duplicates: an event whose id
 *     was seen up to this long before or after it (in record time) is dropped; default 1 hour,
 *     {@code 0} turns deduplication off. The store keeps ids in buckets of this length for two to
 *     three of them, so its disk and changelog hold about 2.5 retentions of ids
 */
public record RouterConfig(
    Pattern inputPattern,
    Map<String, List<String>> routes,
    UnknownTypes unknownTypes,
    @Nullable String catchAllTopic,
    @NotNegative Duration dedupRetention) {

  /**
   * The default routing table, the one {@code offload dev} runs: each built-in type to the worker
   * handler that reads it — {@code user-signed-up} and {@code password-reset-requested} to {@code
   * email}, {@code document-changed} to {@code index}, {@code page-viewed} to {@code analytics}.
   */
  public static final Map<String, List<String>> DEFAULT_ROUTES =
      Map.of(
          BuiltInEventTypes.USER_SIGNED_UP.type(), List.of("email"),
          BuiltInEventTypes.PASSWORD_RESET_REQUESTED.type(), List.of("email"),
          BuiltInEventTypes.DOCUMENT_CHANGED.type(), List.of("index"),
          BuiltInEventTypes.PAGE_VIEWED.type(), List.of("analytics"));

  /** Default catch-all topic. */
  public static final String DEFAULT_CATCH_ALL = Topics.work("unrouted");

  /** Validates the fields the loader's checks do not cover, naming the one at fault. */
  public RouterConfig {
    Objects.requireNonNull(routes, "routes: a routing table is required");
    Map<String, List<String>> copy = new LinkedHashMap<>();
    routes.forEach(
        (type, handlers) -> {
          if (!EventTypes.isValid(type)) {
            throw new IllegalArgumentException(
                "routes: '" + type + "' is not a kebab-case event type");
          }
          for (String handler : Objects.requireNonNullElse(handlers, List.<String>of())) {
            Topics.requireLegal("routes." + type, handler);
          }
          copy.put(type, List.copyOf(Objects.requireNonNullElse(handlers, List.of())));
        });
    routes = Map.copyOf(copy);
    if (unknownTypes == UnknownTypes.CATCH_ALL) {
      Topics.requireLegal("catch-all-topic", catchAllTopic);
    }
  }

  /** The defaults described on each field. */
  public static RouterConfig defaults() {
    return new RouterConfig(
        Topics.ALL_EVENTS,
        DEFAULT_ROUTES,
        UnknownTypes.DROP,
        DEFAULT_CATCH_ALL,
        Duration.ofHours(1));
  }

  /** The work topics an event of {@code type} goes to; empty when the table does not name it. */
  public List<String> destinations(String type) {
    List<String> handlers = routes.get(type);
    return handlers == null ? List.of() : handlers.stream().map(Topics::work).toList();
  }

  /** Whether the table names {@code type} (possibly with no handler, meaning drop on purpose). */
  public boolean isRouted(String type) {
    return routes.containsKey(type);
  }
}
