package dev.offload.consumers.worker;

import dev.offload.consumers.ratelimit.RateLimit;
import dev.offload.consumers.ratelimit.RateLimitedHandler;
import dev.offload.consumers.worker.internal.BatchingHandler;
import dev.offload.consumers.worker.internal.PooledBlockingHandler;
import dev.offload.runtime.breaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A handler with its name and the deserializer of the values it handles. A value the deserializer
 * rejects is poison: it goes to the dead-letter topic without reaching the handler.
 *
 * @param name the handler's name, the {@code handler} tag of the worker's meters
 * @param deserializer turns value bytes into {@code T} (for Avro, the schemas module's serde)
 * @param handler the handler
 * @param breaker the circuit breaker of the handler's sink, or {@code null} for none (the default):
 *     with one, the worker pauses consumption while it is open instead of spending attempts, see
 *     {@link CircuitBreaker}
 * @param <T> the value type
 */
public record HandlerBinding<T>(
    String name, Deserializer<T> deserializer, EventHandler<T> handler, CircuitBreaker breaker) {

  /** Validates every field and names the one that is wrong. */
  public HandlerBinding {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("handler name must not be blank");
    }
    Objects.requireNonNull(deserializer, "deserializer must be set");
    Objects.requireNonNull(handler, "handler must be set");
  }

  /** A binding without a circuit breaker. */
  public HandlerBinding(String name, Deserializer<T> deserializer, EventHandler<T> handler) {
    this(name, deserializer, handler, null);
  }

  /** A copy whose handler calls go through {@code value}. */
  public HandlerBinding<T> withCircuitBreaker(CircuitBreaker value) {
    return new HandlerBinding<>(
        name, deserializer, handler, Objects.requireNonNull(value, "breaker"));
  }

  /**
   * A copy whose events pass {@code limits} first: an event without a permit waits on a timer (not
   * failed, not blocking a thread) while other keys flow, see {@link RateLimitedHandler}. Meters go
   * to {@code registry}.
   */
  public HandlerBinding<T> withRateLimits(List<RateLimit<T>> limits, MeterRegistry registry) {
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "offload-" + name + "-rate-limit");
              t.setDaemon(true);
              return t;
            });
    RateLimitedHandler<T> limited =
        new RateLimitedHandler<>(
            name,
            handler,
            List.copyOf(limits),
            Clock.systemUTC(),
            Scheduler.of(timer),
            timer::shutdownNow,
            registry);
    return new HandlerBinding<>(name, deserializer, limited, breaker);
  }

  /** An asynchronous handler. */
  public static <T> HandlerBinding<T> async(
      String name, Deserializer<T> deserializer, EventHandler<T> handler) {
    return new HandlerBinding<>(name, deserializer, handler);
  }

  /**
   * A batch handler: the events that are ready at the same time (at most one per key) are handed to
   * {@code handler} together, up to {@code options}' bounds, on {@code options.threads()} threads
   * that the worker shuts down when it closes; see {@link BatchEventHandler}.
   */
  public static <T> HandlerBinding<T> batching(
      String name,
      Deserializer<T> deserializer,
      BatchEventHandler<T> handler,
      BatchOptions options) {
    Objects.requireNonNull(handler, "handler must be set");
    Objects.requireNonNull(options, "options must be set");
    return new HandlerBinding<>(name, deserializer, new BatchingHandler<>(name, handler, options));
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
