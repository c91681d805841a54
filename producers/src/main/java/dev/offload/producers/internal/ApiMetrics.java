package dev.offload.producers.internal;

import dev.offload.runtime.breaker.CircuitBreaker;
import dev.offload.runtime.breaker.CircuitState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The API's meters.
 *
 * <ul>
 *   <li>{@code offload.api.requests}: timer of every HTTP request, tagged {@code route} (the route
 *       template, {@code unmatched} for unknown paths) and {@code status}; with a percentile
 *       histogram (Prometheus computes the quantiles with {@code histogram_quantile}).
 *   <li>{@code offload.api.rejections}: counter of error answers, tagged {@code reason} (the error
 *       code of the answer).
 *   <li>{@code offload.outbox.write}: timer of the outbox transaction, tagged {@code outcome}
 *       ({@code success} or {@code failure}).
 *   <li>{@code offload.api.idempotent.replays}: counter of requests answered from an earlier
 *       request with the same {@code Idempotency-Key} (nothing written).
 *   <li>{@code offload.api.rate.limited}: counter of requests answered {@code 429}, tagged {@code
 *       app}; {@code offload.api.rate.limited.events} counts the events they held.
 *   <li>{@code offload.api.breaker.state}: gauge per circuit breaker ({@code name}) and state
 *       ({@code closed}, {@code open}, {@code half_open}): 1 for the current state, else 0.
 * </ul>
 */
public final class ApiMetrics {
  /** Route tag of requests that matched no route. */
  public static final String UNMATCHED = "unmatched";

  private final MeterRegistry registry;

  /** Meters registered in {@code registry}. */
  public ApiMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Records one answered request. */
  public void recordRequest(String route, int status, long nanos) {
    Timer.builder("offload.api.requests")
        .description("HTTP requests to the ingest API")
        .tag("route", route)
        .tag("status", Integer.toString(status))
        .publishPercentileHistogram()
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Counts one error answer. */
  public void countRejection(String reason) {
    Counter.builder("offload.api.rejections")
        .description("Requests answered with an error, by reason")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /**
   * Counts one query about API keys: {@code key} looks up one key's app, {@code known-keys} reads
   * the hashes of every key.
   */
  public void countKeyQuery(String query) {
    Counter.builder("offload.api.key.queries")
        .description("Database queries made to tell who sent a request, by query")
        .tag("query", query)
        .register(registry)
        .increment();
  }

  /** Counts one request answered from an earlier one with the same idempotency key. */
  public void countIdempotentReplay() {
    Counter.builder("offload.api.idempotent.replays")
        .description("Requests answered from an earlier request with the same Idempotency-Key")
        .register(registry)
        .increment();
  }

  /** Counts one request refused by {@code app}'s rate limit, holding {@code events} events. */
  public void countRateLimited(String app, int events) {
    Counter.builder("offload.api.rate.limited")
        .description("Requests refused by the app's rate limit")
        .tag("app", app)
        .register(registry)
        .increment();
    Counter.builder("offload.api.rate.limited.events")
        .description("Events in requests refused by the app's rate limit")
        .tag("app", app)
        .register(registry)
        .increment(events);
  }

  /** Publishes {@code breaker}'s state as one gauge per state. */
  public void bindBreaker(CircuitBreaker breaker) {
    for (CircuitState state : CircuitState.values()) {
      Gauge.builder("offload.api.breaker.state", breaker, b -> b.state() == state ? 1 : 0)
          .description("Circuit breaker state: 1 for the current state, else 0")
          .tag("name", breaker.name())
          .tag("state", state.label())
          .register(registry);
    }
  }

  /** Records one outbox transaction. */
  public void recordOutboxWrite(boolean succeeded, long nanos) {
    Timer.builder("offload.outbox.write")
        .description("Transactions that insert and delete an event in the outbox")
        .tag("outcome", succeeded ? "success" : "failure")
        .publishPercentileHistogram()
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }
}
