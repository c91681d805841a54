package dev.offload.producers.internal;

import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.registry.SchemaVersion;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/events/{type}}: validates the request, writes the event to the outbox and answers
 * {@code 202 {"eventId"}} only once that transaction has committed.
 *
 * <p>With a schema registry, the type must have a schema ({@code 404} otherwise) and {@code data}
 * must match its latest version ({@code 400} listing every violation); nothing is written on any
 * rejection. The outbox payload is then the data in the Confluent wire format (Avro, with the
 * schema's registry id); without a registry it is the UTF-8 JSON of the data (schemaless).
 */
public final class IngestHandler {
  /** Route template, as tagged in metrics. */
  public static final String ROUTE = "/v1/events/{type}";

  /** The same route in the router's syntax. */
  public static final String PATH = "/v1/events/:type";

  private static final Logger log = LoggerFactory.getLogger(IngestHandler.class);

  private final OutboxStore store;
  private final Replies replies;
  private final String producer;
  private final Clock clock;
  private final SchemaCheck schemaCheck;

  /**
   * A handler that writes through {@code store}, naming {@code producer} on every event, once
   * {@code schemaCheck} accepts its data.
   */
  public IngestHandler(
      OutboxStore store, Replies replies, String producer, Clock clock, SchemaCheck schemaCheck) {
    this.store = store;
    this.replies = replies;
    this.producer = producer;
    this.clock = clock;
    this.schemaCheck = schemaCheck;
  }

  /**
   * First step, before the body is read: the trace context, the event type and the content type.
   */
  public void checkHeaders(RoutingContext ctx) {
    List<String> received = ctx.request().headers().getAll(OffloadHeaders.TRACEPARENT);
    String traceparent = Traceparent.resolve(received.size() == 1 ? received.get(0) : null);
    ctx.put(OffloadHeaders.TRACEPARENT, traceparent);
    ctx.response().putHeader(OffloadHeaders.TRACEPARENT, traceparent);
    try {
      EventRequestValidator.checkType(ctx.pathParam("type"));
      EventRequestValidator.checkContentType(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE));
    } catch (RejectedRequest rejected) {
      replies.error(ctx, rejected.error());
      return;
    }
    ctx.next();
  }

  /**
   * Second step, once the body is read: find the type's schema (an unknown type is answered first,
   * whatever the body), parse and check the body, and write the event.
   */
  public void ingest(RoutingContext ctx) {
    String type = ctx.pathParam("type");
    schemaCheck
        .schemaOf(type)
        .onComplete(
            found -> {
              if (found.failed()) {
                replies.error(ctx, rejection(found.cause()));
                return;
              }
              try {
                accept(ctx, type, found.result());
              } catch (RuntimeException e) {
                // Thrown inside a future's callback it would be lost; the router answers 500.
                ctx.fail(e);
              }
            });
  }

  private static ApiError rejection(Throwable failure) {
    if (failure instanceof RejectedRequest rejected) {
      return rejected.error();
    }
    log.warn("Schema lookup failed, answering 503: {}", failure.toString());
    return ApiError.schemaRegistryUnavailable();
  }

  private void accept(RoutingContext ctx, String type, SchemaVersion schema) {
    EventRequest event;
    Future<byte[]> payload;
    try {
      Buffer body = ctx.body().buffer();
      event = EventRequestValidator.parse(type, body);
      payload = schemaCheck.payload(schema, event, body);
    } catch (RejectedRequest rejected) {
      replies.error(ctx, rejected.error());
      return;
    }
    payload.onComplete(
        encoded -> {
          if (encoded.succeeded()) {
            write(ctx, event, encoded.result());
          } else if (encoded.cause() instanceof RejectedRequest rejected) {
            replies.error(ctx, rejected.error());
          } else {
            ctx.fail(encoded.cause());
          }
        });
  }

  private void write(RoutingContext ctx, EventRequest event, byte[] payload) {
    UUID id = UUID.randomUUID();
    String traceparent = ctx.get(OffloadHeaders.TRACEPARENT);
    store
        .write(id, event, payload, OffsetDateTime.now(clock), producer, traceparent)
        .onSuccess(
            committed -> replies.json(ctx, 202, new JsonObject().put("eventId", id.toString())))
        .onFailure(
            failure -> {
              log.warn("Outbox write failed, answering 503: {}", failure.toString());
              replies.error(ctx, ApiError.databaseUnavailable());
            });
  }
}
