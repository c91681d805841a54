package dev.offload.consumers.handlers.analytics;

import dev.offload.consumers.HandlerContext;
import dev.offload.consumers.HandlerDefinition;
import dev.offload.consumers.handlers.EventDeserializers;
import dev.offload.consumers.worker.BatchOptions;
import dev.offload.consumers.worker.HandlerBinding;
import dev.offload.schemas.BuiltInEventTypes;
import dev.offload.schemas.events.PageViewed;
import java.sql.SQLException;
import java.util.OptionalInt;

/**
 * The {@code analytics} handler as the worker role runs it: counts page views per minute into the
 * context's database, in batches, once per event (the group's marks).
 */
public final class AnalyticsDefinition implements HandlerDefinition<PageViewed> {
  @Override
  public String name() {
    return AnalyticsHandler.NAME;
  }

  @Override
  public String description() {
    return "counts page views per minute (PostgreSQL rollup)";
  }

  @Override
  public int defaultMaxInFlight() {
    return AnalyticsHandler.DEFAULT_MAX_IN_FLIGHT;
  }

  /** One connection per batch thread, and one for the marks' purge. */
  @Override
  public int connections(OptionalInt threads) {
    return BatchOptions.DEFAULT_THREADS + 1;
  }

  @Override
  public HandlerBinding<PageViewed> bind(HandlerContext context) throws SQLException {
    return AnalyticsHandler.binding(
        context.pageAnalytics(),
        context.marks(),
        EventDeserializers.avroOfEventType(context.registry(), BuiltInEventTypes.PAGE_VIEWED),
        BatchOptions.defaults());
  }
}
