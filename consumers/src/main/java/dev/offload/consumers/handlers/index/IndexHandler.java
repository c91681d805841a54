package dev.offload.consumers.handlers.index;

import dev.offload.consumers.worker.Event;
import dev.offload.consumers.worker.EventHandler;
import dev.offload.consumers.worker.HandlerBinding;
import dev.offload.schemas.BuiltInEventTypes;
import dev.offload.schemas.events.DocumentChanged;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The search-index handler: each {@code document-changed} upserts its document by id, or deletes it
 * when {@code deleted} is set; a tombstone (no value) deletes the document named by the key.
 *
 * <p>Asynchronous: the write goes to Lucene's in-memory buffer on the calling thread and the stage
 * completes when the next {@link SearchIndex} commit covers it, so many changes share one commit
 * and the worker never acknowledges a change that is not on disk. Idempotent by nature (upsert and
 * delete by id), so it keeps no processed-event marks.
 */
public final class IndexHandler implements EventHandler<DocumentChanged> {
  /** The handler's name: the {@code handler} tag of its meters. */
  public static final String NAME = "index";

  /**
   * The work topic the {@code router} topology fills for this handler, {@code offload.work.index}:
   * what {@code offload worker} and {@code offload dev} consume. Read it with {@code
   * EventDeserializers.avroByEventType}, since its records carry their type in a header.
   */
  public static final String WORK_TOPIC = "offload.work.index";

  /**
   * The event topics it can consume directly (without the router): {@code
   * offload.events.document-changed}.
   */
  public static final List<String> TOPICS = List.of(BuiltInEventTypes.DOCUMENT_CHANGED.topic());

  private final SearchIndex index;

  /** A handler writing to {@code index}; the caller owns and closes the index. */
  public IndexHandler(SearchIndex index) {
    this.index = Objects.requireNonNull(index, "index");
  }

  /**
   * The binding for a worker.
   *
   * @param deserializer reads {@code document-changed} values, e.g. {@code
   *     EventDeserializers.avro(registry, BuiltInEventTypes.DOCUMENT_CHANGED)}
   */
  public static HandlerBinding<DocumentChanged> binding(
      SearchIndex index, Deserializer<DocumentChanged> deserializer) {
    return HandlerBinding.async(NAME, deserializer, new IndexHandler(index));
  }

  @Override
  public CompletionStage<Void> handle(Event<DocumentChanged> event) {
    DocumentChanged change = event.value();
    if (change == null) {
      if (event.key() == null) {
        return CompletableFuture.failedFuture(
            new IllegalArgumentException("a tombstone without a key names no document"));
      }
      return index.delete(event.key());
    }
    if (change.getDeleted()) {
      return index.delete(change.getId());
    }
    return index.upsert(IndexedDocument.of(change));
  }
}
