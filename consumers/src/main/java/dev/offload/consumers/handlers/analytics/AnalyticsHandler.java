package dev.offload.consumers.handlers.analytics;

import dev.offload.consumers.dedup.ProcessedEventStore;
import dev.offload.consumers.worker.BlockingEventHandler;
import dev.offload.consumers.worker.Event;
import dev.offload.consumers.worker.HandlerBinding;
import dev.offload.schemas.BuiltInEventTypes;
import dev.offload.schemas.events.PageViewed;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The analytics handler: each {@code page-viewed} adds one view to its path's minute in the rollup
 * ({@link PageAnalytics}), in the same transaction as its event's processed mark ({@link
 * ProcessedEventStore#runOnce}), so duplicates are never counted twice. The minute is the event's
 * {@code offload-occurred-at}, or the handling time when that header is missing. The store and the
 * analytics must use the same database.
 */
public final class AnalyticsHandler implements BlockingEventHandler<PageViewed> {
  /** The handler's name: the {@code handler} tag of its meters. */
  public static final String NAME = "analytics";

  /**
   * The work topic the {@code router} topology fills for this handler, {@code
   * offload.work.analytics}: what {@code offload worker} and {@code offload dev} consume. Read it
   * with {@code EventDeserializers.avroByEventType}, since its records carry their type in a
   * header.
   */
  public static final String WORK_TOPIC = "offload.work.analytics";

  /**
   * The event topics it can consume directly (without the router): {@code
   * offload.events.page-viewed}.
   */
  public static final List<String> TOPICS = List.of(BuiltInEventTypes.PAGE_VIEWED.topic());

  /** Default number of JDBC threads. */
  public static final int DEFAULT_THREADS = 4;

  private final PageAnalytics analytics;
  private final ProcessedEventStore store;
  private final Clock clock;

  /** A handler counting into {@code analytics}, marking in {@code store}. */
  public AnalyticsHandler(PageAnalytics analytics, ProcessedEventStore store, Clock clock) {
    this.analytics = Objects.requireNonNull(analytics, "analytics");
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The binding for a worker, with {@value #DEFAULT_THREADS} JDBC threads.
   *
   * @param deserializer reads {@code page-viewed} values, e.g. {@code
   *     EventDeserializers.avro(registry, BuiltInEventTypes.PAGE_VIEWED)}
   */
  public static HandlerBinding<PageViewed> binding(
      PageAnalytics analytics, ProcessedEventStore store, Deserializer<PageViewed> deserializer) {
    return binding(analytics, store, deserializer, DEFAULT_THREADS);
  }

  /** The binding with {@code threads} JDBC threads. */
  public static HandlerBinding<PageViewed> binding(
      PageAnalytics analytics,
      ProcessedEventStore store,
      Deserializer<PageViewed> deserializer,
      int threads) {
    AnalyticsHandler handler = new AnalyticsHandler(analytics, store, Clock.systemUTC());
    return HandlerBinding.blocking(NAME, deserializer, handler, threads);
  }

  @Override
  public void handle(Event<PageViewed> event) throws Exception {
    String eventId = event.headers().eventId();
    if (eventId == null || eventId.isBlank()) {
      throw new IllegalArgumentException("event has no offload-event-id header");
    }
    PageViewed view = event.value();
    if (view == null) {
      throw new IllegalArgumentException("a page-viewed tombstone carries no view");
    }
    var minute = MinuteBucket.of(event.headers().occurredAt(), clock.instant());
    store.runOnce(eventId, c -> analytics.increment(c, view.getPath(), minute));
  }
}
