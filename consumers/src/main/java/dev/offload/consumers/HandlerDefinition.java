package dev.offload.consumers;

import dev.offload.consumers.worker.Event;
import dev.offload.consumers.worker.HandlerBinding;
import dev.offload.consumers.worker.WorkerOptions;
import dev.offload.schemas.Topics;
import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.OptionalInt;

/**
 * A handler that the worker role runs by name: {@code offload worker --handler <name>}, and each of
 * {@code offload dev}'s workers. The built-ins are listed by {@link HandlerCatalog}; the {@link
 * WorkerRole} gives each the same worker path (ordering, backpressure, retries, delay and
 * dead-letter topics, breaker, rate limits, metrics).
 *
 * @param <T> the type of the events it handles
 */
public interface HandlerDefinition<T> {
  /** The name it runs by, the {@code handler} tag of its meters. */
  String name();

  /** One line on what it does. */
  String description();

  /** Its consumer group unless configured otherwise: {@code offload-worker-<name>}. */
  default String defaultGroup() {
    return "offload-worker-" + name();
  }

  /** Most events handled at once unless configured otherwise. */
  int defaultMaxInFlight();

  /**
   * The options of its worker in {@code group} unless configured otherwise: its work topic {@code
   * offload.work.<name>} and {@link #defaultMaxInFlight()}, the rest the worker's defaults.
   */
  default WorkerOptions defaultOptions(String bootstrapServers, String group) {
    return WorkerOptions.defaults(bootstrapServers, group, List.of(Topics.work(name())))
        .withMaxInFlight(defaultMaxInFlight());
  }

  /**
   * Database connections it holds at once when its blocking work runs on {@code threads} threads
   * (its own default when empty), its processed-event marks' purge included; 0 when it needs no
   * database (the default).
   */
  default int connections(OptionalInt threads) {
    return 0;
  }

  /**
   * Binds the handler to what {@code context} provides; what it opens there closes with the
   * context.
   */
  HandlerBinding<T> bind(HandlerContext context) throws IOException, SQLException;

  /** The key of a per-key rate limit: the event's key by default. */
  default String rateLimitKey(Event<T> event) {
    return event.key();
  }

  /** The name of its per-key rate limit: {@code per-key} by default. */
  default String perKeyLimitName() {
    return "per-key";
  }
}
