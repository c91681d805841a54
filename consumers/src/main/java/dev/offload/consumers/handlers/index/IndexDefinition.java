package dev.offload.consumers.handlers.index;

import dev.offload.consumers.HandlerContext;
import dev.offload.consumers.HandlerDefinition;
import dev.offload.consumers.handlers.EventDeserializers;
import dev.offload.consumers.worker.HandlerBinding;
import dev.offload.schemas.BuiltInEventTypes;
import dev.offload.schemas.events.DocumentChanged;
import java.io.IOException;

/**
 * The {@code index} handler as the worker role runs it: writes each changed document into the
 * search index of the context's index directory.
 */
public final class IndexDefinition implements HandlerDefinition<DocumentChanged> {
  @Override
  public String name() {
    return IndexHandler.NAME;
  }

  @Override
  public String description() {
    return "indexes changed documents (Lucene on disk)";
  }

  @Override
  public int defaultMaxInFlight() {
    return IndexHandler.DEFAULT_MAX_IN_FLIGHT;
  }

  @Override
  public HandlerBinding<DocumentChanged> bind(HandlerContext context) throws IOException {
    return IndexHandler.binding(
        context.searchIndex(),
        EventDeserializers.avroOfEventType(context.registry(), BuiltInEventTypes.DOCUMENT_CHANGED));
  }
}
