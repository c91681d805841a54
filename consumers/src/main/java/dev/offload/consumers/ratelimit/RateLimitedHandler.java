package dev.offload.consumers.ratelimit;

import dev.offload.consumers.worker.Event;
import dev.offload.consumers.worker.EventHandler;
import dev.offload.consumers.worker.Scheduler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A handler behind rate limits: an event whose limits have no permit left is not failed and does
 * not block a thread; it waits on a timer until its permit's time and then goes to the handler.
 * Only events of the limited key wait: the worker keeps dispatching other keys meanwhile, since a
 * waiting event holds just its own key's lane and one in-flight slot.
 *
 * <p>Build it with {@link dev.offload.consumers.worker.HandlerBinding#withRateLimits}. Meters,
 * tagged {@code handler} and {@code limit}: {@value #LIMITED} counts events that had to wait, and
 * gauge {@value #WAITING} shows how many wait now.
 *
 * @param <T> the value type
 */
public final class RateLimitedHandler<T> implements EventHandler<T>, AutoCloseable {
  /** Counter: events that waited for a permit. */
  public static final String LIMITED = "offload.worker.rate.limited";

  /** Gauge: events waiting for a permit now. */
  public static final String WAITING = "offload.worker.rate.waiting";

  private final EventHandler<T> delegate;
  private final List<Limited<T>> limits = new ArrayList<>();
  private final Scheduler scheduler;
  private final AutoCloseable ownedScheduler;
  private final AtomicInteger waiting = new AtomicInteger();

  /**
   * Wraps {@code delegate} in {@code limits}.
   *
   * @param scheduler runs the delayed calls
   * @param ownedScheduler closed with this handler (the scheduler's executor), or {@code null}
   */
  public RateLimitedHandler(
      String handlerName,
      EventHandler<T> delegate,
      List<RateLimit<T>> limits,
      Clock clock,
      Scheduler scheduler,
      AutoCloseable ownedScheduler,
      MeterRegistry registry) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.ownedScheduler = ownedScheduler;
    if (limits.isEmpty()) {
      throw new IllegalArgumentException("limits: at least one rate limit is needed");
    }
    for (RateLimit<T> limit : limits) {
      Counter counter =
          Counter.builder(LIMITED)
              .description("Events that waited for a rate-limit permit")
              .tag("handler", handlerName)
              .tag("limit", limit.name())
              .register(registry);
      this.limits.add(
          new Limited<>(
              limit, new KeyedRateLimiter(limit.permits(), limit.period(), clock), counter));
    }
    registry.gauge(
        WAITING, List.of(io.micrometer.core.instrument.Tag.of("handler", handlerName)), waiting);
  }

  @Override
  public CompletionStage<Void> handle(Event<T> event) {
    Duration wait;
    try {
      wait = reserve(event);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (wait.isZero()) {
      return delegate.handle(event);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    waiting.incrementAndGet();
    scheduler.schedule(
        wait,
        () -> {
          waiting.decrementAndGet();
          try {
            delegate
                .handle(event)
                .whenComplete(
                    (ok, failure) -> {
                      if (failure != null) {
                        done.completeExceptionally(failure);
                      } else {
                        done.complete(null);
                      }
                    });
          } catch (RuntimeException e) {
            done.completeExceptionally(e);
          }
        });
    return done;
  }

  /** Reserves a permit of every limit for {@code event}; the longest wait is the event's. */
  private Duration reserve(Event<T> event) {
    Duration longest = Duration.ZERO;
    for (Limited<T> l : limits) {
      String key = l.limit.keyOf(event);
      if (key == null) {
        continue;
      }
      Duration wait = l.limiter.reserve(key);
      if (!wait.isZero()) {
        l.counter.increment();
      }
      if (wait.compareTo(longest) > 0) {
        longest = wait;
      }
    }
    return longest;
  }

  /** Events waiting for a permit now. */
  public int waiting() {
    return waiting.get();
  }

  /** Stops the timer it owns, then closes the wrapped handler when it is closeable. */
  @Override
  public void close() throws Exception {
    if (ownedScheduler != null) {
      ownedScheduler.close();
    }
    if (delegate instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }

  private record Limited<T>(RateLimit<T> limit, KeyedRateLimiter limiter, Counter counter) {}
}
