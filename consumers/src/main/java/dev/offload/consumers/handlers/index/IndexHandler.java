package dev.offload.consumers.handlers.index;

import dev.offload.consumers.worker.BatchEventHandler;
import dev.offload.consumers.worker.BatchOptions;
import dev.offload.consumers.worker.Event;
import dev.offload.consumers.worker.EventHandler;
import dev.offload.consumers.worker.HandlerBinding;
import dev.offload.runtime.tracing.Tracing;
import dev.offload.schemas.BuiltInEventTypes;
import dev.offload.schemas.Topics;
import dev.offload.schemas.events.DocumentChanged;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The search-index handler: each {@code document-changed} upserts its document by id, or deletes it
 * when {@code deleted} is set; a tombstone (no value) deletes the document named by the key.
 *
 * <p>Bound as a batch handler ({@link #binding}): the changes ready together go to Lucene's
 * in-memory buffer and are committed once, so the worker never acknowledges a change that is not on
 * disk and a batch of hundreds of changes costs one commit. Used one event at a time ({@link
 * #handle}), a change completes with the {@link SearchIndex}'s next periodic commit. Idempotent by
 * nature (upsert and delete by id), so it keeps no processed-event marks, and a batch that failed
 * half-way may be written again.
 */
public final class IndexHandler
    implements EventHandler<DocumentChanged>, BatchEventHandler<DocumentChanged> {
  /**
   * Default of the worker's {@code maxInFlight} for this handler: a batch holds the records ready
   * together, at most one per key, so more records in flight make larger batches.
   */
  public static final int DEFAULT_MAX_IN_FLIGHT = 1024;

  /** The handler's name: the {@code handler} tag of its meters. */
  public static final String NAME = "index";

  /**
   * The work topic the {@code router} topology fills for this handler, {@code offload.work.index}:
   * what {@code offload worker} and {@code offload dev} consume. Read it with {@code
   * EventDeserializers.avroByEventType}, since its records carry their type in a header.
   */
  public static final String WORK_TOPIC = Topics.work("index");

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
    return HandlerBinding.batching(
        NAME, deserializer, new IndexHandler(index), BatchOptions.defaults().withThreads(1));
  }

  /**
   * Writes every change of {@code events}, then commits once; throws (writing nothing) when one of
   * them names no document.
   */
  @Override
  public void handleBatch(List<Event<DocumentChanged>> events) throws Exception {
    events.forEach(IndexHandler::requireDocument);
    List<CompletableFuture<Void>> writes = new ArrayList<>(events.size());
    for (Event<DocumentChanged> event : events) {
      writes.add(handle(event).toCompletableFuture());
    }
    Tracing.sink(
        "index commit",
        events.stream().map(e -> e.headers().eventId()).filter(Objects::nonNull).toList(),
        () -> {
          index.commitNow();
          return null;
        });
    for (CompletableFuture<Void> write : writes) {
      try {
        write.get();
      } catch (ExecutionException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      }
    }
  }

  private static void requireDocument(Event<DocumentChanged> event) {
    if (event.value() == null && event.key() == null) {
      throw new IllegalArgumentException("a tombstone without a key names no document");
    }
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
