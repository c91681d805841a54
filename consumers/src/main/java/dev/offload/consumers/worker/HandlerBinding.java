package dev.offload.consumers.worker;

import dev.offload.consumers.worker.internal.PooledBlockingHandler;
import java.util.Objects;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A handler with its name and the deserializer of the values it handles. A value the deserializer
 * rejects is poison: it goes to the dead-letter topic without reaching the handler.
 *
 * @param name the handler's name, the {@code handler} tag of the worker's meters
 * @param deserializer turns value bytes into {@code T} (for Avro, the schemas module's serde)
 * @param handler the handler
 * @param <T> the value type
 */
public record HandlerBinding<T>(
    String name, Deserializer<T> deserializer, EventHandler<T> handler) {

  /** Validates every field and names the one that is wrong. */
  public HandlerBinding {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("handler name must not be blank");
    }
    Objects.requireNonNull(deserializer, "deserializer must be set");
    Objects.requireNonNull(handler, "handler must be set");
  }

  /** An asynchronous handler. */
  public static <T> HandlerBinding<T> async(
      String name, Deserializer<T> deserializer, EventHandler<T> handler) {
    return new HandlerBinding<>(name, deserializer, handler);
  }

  /**
   * A blocking handler, run on a pool of {@code threads} threads that the worker shuts down when it
   * closes. At most {@code threads} events are handled at once, whatever {@code maxInFlight}.
   */
  public static <T> HandlerBinding<T> blocking(
      String name, Deserializer<T> deserializer, BlockingEventHandler<T> handler, int threads) {
    Objects.requireNonNull(handler, "handler must be set");
    return new HandlerBinding<>(
        name, deserializer, new PooledBlockingHandler<>(name, handler, threads));
  }
}
