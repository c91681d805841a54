package dev.offload.consumers.ratelimit;

import dev.offload.consumers.worker.Event;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * One rate limit of a handler: at most {@code permits} events per {@code period}, either for the
 * whole handler (a provider's quota) or per key that {@code keyOf} picks from each event (a
 * recipient, a tenant). Bursts of up to {@code permits} events pass at once; after that, events are
 * spaced {@code period / permits} apart.
 *
 * <pre>{@code
 * RateLimit<SpecificRecord> provider = RateLimit.perHandler("smtp-provider", 100, Duration.ofSeconds(1));
 * RateLimit<SpecificRecord> recipient =
 *     RateLimit.perKey("recipient", 2, Duration.ofSeconds(1), e -> recipientOf(e.value()));
 * }</pre>
 *
 * @param name names the limit in meters and logs
 * @param permits events allowed per period, at least 1
 * @param period the period, positive
 * @param keyOf picks the limited key of an event; {@code null} limits the whole handler. An event
 *     whose key is {@code null} is not limited by this limit
 * @param <T> the value type of the handler's events
 */
public record RateLimit<T>(
    String name, int permits, Duration period, Function<Event<T>, String> keyOf) {

  /** Validates every field and names the one that is wrong. */
  public RateLimit {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name: a rate limit needs a name");
    }
    if (permits < 1) {
      throw new IllegalArgumentException("permits: must be at least 1, was " + permits);
    }
    Objects.requireNonNull(period, "period: required");
    if (period.isZero() || period.isNegative()) {
      throw new IllegalArgumentException("period: must be positive, was " + period);
    }
  }

  /** A limit on the whole handler. */
  public static <T> RateLimit<T> perHandler(String name, int permits, Duration period) {
    return new RateLimit<>(name, permits, period, null);
  }

  /** A limit per key that {@code keyOf} picks from each event. */
  public static <T> RateLimit<T> perKey(
      String name, int permits, Duration period, Function<Event<T>, String> keyOf) {
    return new RateLimit<>(name, permits, period, Objects.requireNonNull(keyOf, "keyOf"));
  }

  /** A limit per record key (the aggregate id). */
  public static <T> RateLimit<T> perRecordKey(String name, int permits, Duration period) {
    return perKey(name, permits, period, Event::key);
  }

  /** The key of {@code event} under this limit, or {@code null} when it is not limited. */
  String keyOf(Event<T> event) {
    return keyOf == null ? "" : keyOf.apply(event);
  }

  /** Time between two permits once the burst is spent. */
  Duration interval() {
    return period.dividedBy(permits);
  }
}
