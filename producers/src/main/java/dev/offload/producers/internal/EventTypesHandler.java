package dev.offload.producers.internal;

import dev.offload.schemas.registry.SchemaVersion;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/event-types}: every event type with its latest schema, sorted by type, as {@code
 * {"eventTypes": [{"type", "subject", "version", "id", "schema"}]}} where {@code schema} is the
 * Avro schema as JSON.
 */
public final class EventTypesHandler {
  /** Route template and path. */
  public static final String PATH = "/v1/event-types";

  private static final Logger log = LoggerFactory.getLogger(EventTypesHandler.class);

  private final EventSchemas schemas;
  private final Replies replies;

  /** A handler listing the event types of {@code schemas}. */
  public EventTypesHandler(EventSchemas schemas, Replies replies) {
    this.schemas = schemas;
    this.replies = replies;
  }

  /** Answers 200 with the list, or 503 when the registry fails. */
  public void list(RoutingContext ctx) {
    schemas
        .all()
        .onSuccess(versions -> replies.json(ctx, 200, body(versions)))
        .onFailure(
            failure -> {
              log.warn("Schema registry failed, answering 503: {}", failure.toString());
              replies.error(ctx, ApiError.eventTypesUnavailable());
            });
  }

  static JsonObject body(List<SchemaVersion> versions) {
    JsonArray types = new JsonArray();
    for (SchemaVersion version : versions) {
      types.add(
          new JsonObject()
              .put("type", EventSchemas.typeOf(version.subject()))
              .put("subject", version.subject())
              .put("version", version.version())
              .put("id", version.id())
              .put("schema", Json.decodeValue(version.schema().toString())));
    }
    return new JsonObject().put("eventTypes", types);
  }
}
