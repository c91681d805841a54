package dev.offload.producers.internal;

import io.micrometer.core.instrument.Counter;
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
