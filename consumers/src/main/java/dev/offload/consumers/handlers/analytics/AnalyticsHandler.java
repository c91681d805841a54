package dev.offload.consumers.handlers.analytics;

import dev.offload.consumers.dedup.ProcessedEventStore;
import dev.offload.consumers.worker.BatchEventHandler;
import dev.offload.consumers.worker.BatchOptions;
import dev.offload.consumers.worker.BlockingEventHandler;
import dev.offload.consumers.worker.Event;
import dev.offload.consumers.worker.HandlerBinding;
import dev.offload.runtime.tracing.Tracing;
import dev.offload.schemas.BuiltInEventTypes;
import dev.offload.schemas.Topics;
import dev.offload.schemas.events.PageViewed;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The analytics handler: each {@code page-viewed} adds one view to its path's minute in the rollup
 * ({@link PageAnalytics}), in the same transaction as its event's processed mark, so duplicates are
 * never counted twice. The minute is the event's {@code offload-occurred-at}, or the handling time
 * when that header is missing. The store and the analytics must use the same database.
 *
 * <p>It handles batches ({@link BatchEventHandler}): the events ready together are marked in one
 * statement, the views of those not processed before are summed per (path, minute), and each sum is
 * upserted once, all in one transaction, so a batch of hundreds of views costs a few statements and
 * one commit. An event without an id or a view fails its batch, which the worker then runs one
 * event at a time, so only that event is dead-lettered.
 */
public final class AnalyticsHandler
    implements BlockingEventHandler<PageViewed>, BatchEventHandler<PageViewed> {
  /**
   * Default of the worker's {@code maxInFlight} for this handler: a batch holds the records ready
   * together, at most one per key, so more records in flight make larger batches.
   */
  public static final int DEFAULT_MAX_IN_FLIGHT = 1024;

  /** The handler's name: the {@code handler} tag of its meters. */
  public static final String NAME = "analytics";

  /**
   * The work topic the {@code router} topology fills for this handler, {@code
   * offload.work.analytics}: what {@code offload worker} and {@code offload dev} consume. Read it
   * with {@code EventDeserializers.avroByEventType}, since its records carry their type in a
   * header.
   */
  public static final String WORK_TOPIC = Topics.work("analytics");

  /**
   * The event topics it can consume directly (without the router): {@code
   * offload.events.page-viewed}.
   */
  public static final List<String> TOPICS = List.of(BuiltInEventTypes.PAGE_VIEWED.topic());

  /** Default number of batches written at once (each holds one pooled connection). */
  public static final int DEFAULT_THREADS = BatchOptions.DEFAULT_THREADS;

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
   * The batch binding for a worker, with the default {@link BatchOptions}.
   *
   * @param deserializer reads {@code page-viewed} values, e.g. {@code
   *     EventDeserializers.avro(registry, BuiltInEventTypes.PAGE_VIEWED)}
   */
  public static HandlerBinding<PageViewed> binding(
      PageAnalytics analytics, ProcessedEventStore store, Deserializer<PageViewed> deserializer) {
    return binding(analytics, store, deserializer, BatchOptions.defaults());
  }

  /** The batch binding with {@code threads} batches written at once. */
  public static HandlerBinding<PageViewed> binding(
      PageAnalytics analytics,
      ProcessedEventStore store,
      Deserializer<PageViewed> deserializer,
      int threads) {
    return binding(analytics, store, deserializer, BatchOptions.defaults().withThreads(threads));
  }

  /** The batch binding fed by {@code options}. */
  public static HandlerBinding<PageViewed> binding(
      PageAnalytics analytics,
      ProcessedEventStore store,
      Deserializer<PageViewed> deserializer,
      BatchOptions options) {
    AnalyticsHandler handler = new AnalyticsHandler(analytics, store, Clock.systemUTC());
    return HandlerBinding.batching(NAME, deserializer, handler, options);
  }

  @Override
  public void handle(Event<PageViewed> event) throws Exception {
    handleBatch(List.of(event));
  }

  @Override
  public void handleBatch(List<Event<PageViewed>> events) throws Exception {
    Instant now = clock.instant();
    Map<String, PageMinute> viewById = new HashMap<>();
    for (Event<PageViewed> event : events) {
      viewById.put(requireId(event), view(event, now));
    }
    Tracing.sink(
        "rollup transaction",
        List.copyOf(viewById.keySet()),
        () ->
            store.runOnceEach(
                viewById.keySet(),
                (c, fresh) -> {
                  Map<PageMinute, Long> sums = new HashMap<>();
                  fresh.forEach(id -> sums.merge(viewById.get(id), 1L, Long::sum));
                  analytics.add(c, sums);
                }));
  }

  private static String requireId(Event<PageViewed> event) {
    String eventId = event.headers().eventId();
    if (eventId == null || eventId.isBlank()) {
      throw new IllegalArgumentException("event has no offload-event-id header");
    }
    return eventId;
  }

  private static PageMinute view(Event<PageViewed> event, Instant now) {
    PageViewed view = event.value();
    if (view == null) {
      throw new IllegalArgumentException("a page-viewed tombstone carries no view");
    }
    return new PageMinute(view.getPath(), MinuteBucket.of(event.headers().occurredAt(), now));
  }
}
