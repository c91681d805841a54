package dev.offload.producers.internal;

import dev.offload.producers.ApiConfig;
import dev.offload.runtime.ratelimit.TokenBucket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/** One {@link TokenBucket} per app, as {@link ApiConfig.RateLimit} sets; one token per event. */
public final class RateLimiter {
  private final ApiConfig.RateLimit limit;
  private final LongSupplier nanoTime;
  private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();

  /** A limiter on the system clock. */
  public RateLimiter(ApiConfig.RateLimit limit) {
    this(limit, System::nanoTime);
  }

  /** A limiter reading time from {@code nanoTime}. */
  public RateLimiter(ApiConfig.RateLimit limit, LongSupplier nanoTime) {
    this.limit = limit;
    this.nanoTime = nanoTime;
  }

  /**
   * Takes {@code events} tokens from {@code app}'s bucket.
   *
   * @return 0 when allowed, else the whole seconds to wait before retrying (at least 1)
   */
  public long tryAcquire(String app, int events) {
    if (!limit.enabled()) {
      return 0;
    }
    TokenBucket bucket =
        buckets.computeIfAbsent(
            app, a -> new TokenBucket(limit.eventsPerSecond(), limit.burst(), nanoTime));
    long waitNanos = bucket.tryTake(events);
    if (waitNanos == 0) {
      return 0;
    }
    if (waitNanos == Long.MAX_VALUE) {
      return Math.max(1, (long) Math.ceil(limit.burst() / limit.eventsPerSecond()));
    }
    return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + TimeUnit.SECONDS.toNanos(1) - 1));
  }
}
