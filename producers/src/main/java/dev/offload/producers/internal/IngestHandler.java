package dev.offload.producers.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.producers.ApiConfig;
import dev.offload.runtime.breaker.CircuitBreaker;
import dev.offload.runtime.tracing.Tracing;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.registry.SchemaVersion;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/events/{type}} and {@code POST /v1/events:batch}: checks the request, writes its
 * events to the outbox in one transaction and answers {@code 202} with their ids only once that
 * transaction has committed.
 *
 * <p>Steps, each answering on its own and writing nothing when it refuses: headers (trace context,
 * type, content type, idempotency key) before the body is read; the caller (API key, {@code 401};
 * allowed type, {@code 403}; rate limit, {@code 429}); then the body (JSON within the limits, each
 * event's key and data) and each event's schema ({@code 404} for an unknown type in the path,
 * {@code 400} in a batch; {@code 400} listing every violation). The outbox payload is the data in
 * the Confluent wire format (Avro, with the schema's registry id), or without a registry the UTF-8
 * JSON of the data (schemaless). The database sits behind a circuit breaker: while it is open the
 * answer is {@code 503} with {@code Retry-After} at once.
 *
 * <p>With an {@code Idempotency-Key} the key is claimed in the same transaction as the events: a
 * retry with the same key and body answers the first request's ids and writes nothing, a reuse with
 * a different body is answered {@code 422}.
 */
public final class IngestHandler {
  /** Route template, as tagged in metrics. */
  public static final String ROUTE = "/v1/events/{type}";

  /** The same route in the router's syntax. */
  public static final String PATH = "/v1/events/:type";

  /** The batch route (a literal path: {@code :} is not a parameter here). */
  public static final String BATCH_ROUTE = "/v1/events:batch";

  /** Header of an answer given from an earlier request with the same idempotency key. */
  public static final String REPLAYED = "Idempotent-Replayed";

  private static final Logger log = LoggerFactory.getLogger(IngestHandler.class);
  private static final String CALLER = "offload.caller";
  private static final String IDEMPOTENCY_KEY = "offload.idempotency-key";

  /** The attribute of a request's span naming the app that published: its {@code producer}. */
  private static final AttributeKey<String> PRODUCER = AttributeKey.stringKey("offload.producer");

  /** Where a request's span is kept in its context while it is answered. */
  public static final String SPAN = "offload.span";

  /** The instrumentation scope of the API's spans. */
  public static final String TRACER = "dev.offload.api";

  private final OutboxStore store;
  private final Replies replies;
  private final ApiMetrics metrics;
  private final Clock clock;
  private final SchemaCheck schemaCheck;
  private final Authenticator authenticator;
  private final RateLimiter rateLimiter;
  private final CircuitBreaker breaker;
  private final CaptureGate capture;
  private final JsonBodies bodies;
  private final ApiConfig config;
  private final Tracer tracer;

  /** A handler that writes through {@code store} once every check passed. */
  public IngestHandler(
      OutboxStore store,
      Replies replies,
      ApiMetrics metrics,
      Clock clock,
      SchemaCheck schemaCheck,
      Authenticator authenticator,
      CircuitBreaker breaker,
      CaptureGate capture,
      ApiConfig config,
      Tracer tracer) {
    this.store = store;
    this.replies = replies;
    this.metrics = metrics;
    this.clock = clock;
    this.schemaCheck = schemaCheck;
    this.authenticator = authenticator;
    this.rateLimiter = new RateLimiter(config.rateLimit());
    this.breaker = breaker;
    this.capture = capture;
    this.bodies = new JsonBodies(config.limits());
    this.config = config;
    this.tracer = tracer;
  }

  /**
   * First step of a single event, before the body is read: the trace context, the event type, the
   * content type and the idempotency key.
   */
  public void checkHeaders(RoutingContext ctx) {
    traceparent(ctx, ROUTE);
    try {
      EventRequestValidator.checkType(ctx.pathParam("type"));
      checkCommonHeaders(ctx);
    } catch (RejectedRequest rejected) {
      replies.error(ctx, rejected.error());
      return;
    }
    ctx.next();
  }

  /** First step of a batch, before the body is read: as {@link #checkHeaders} without a type. */
  public void checkBatchHeaders(RoutingContext ctx) {
    traceparent(ctx, BATCH_ROUTE);
    try {
      checkCommonHeaders(ctx);
    } catch (RejectedRequest rejected) {
      replies.error(ctx, rejected.error());
      return;
    }
    ctx.next();
  }

  /**
   * Second step, before the body is read: who is calling. For a single event, also whether the
   * caller may publish its type and is within its rate limit.
   */
  public void authenticate(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    boolean paused = !request.isEnded();
    if (paused) {
      request.pause(); // until the body handler takes the body, or the answer drains it
    }
    authenticator
        .authenticate(request.headers().getAll(HttpHeaders.AUTHORIZATION))
        .onComplete(
            done -> {
              if (done.failed()) {
                answerFailure(ctx, done.cause());
                return;
              }
              Caller caller = done.result();
              ctx.put(CALLER, caller);
              String type = ctx.pathParam("type");
              if (type != null) {
                if (!caller.mayPublish(type)) {
                  replies.error(ctx, ApiError.forbiddenEventType(caller.app(), type));
                  return;
                }
                if (!withinRateLimit(ctx, caller, 1)) {
                  return;
                }
              }
              if (paused && !request.isEnded()) {
                request.resume();
              }
              ctx.next();
            });
  }

  /**
   * Last step of a single event, once the body is read: find the type's schema (an unknown type is
   * answered first, whatever the body), parse and check the body, and write the event.
   */
  public void ingest(RoutingContext ctx) {
    String type = ctx.pathParam("type");
    schemaCheck
        .schemaOf(type)
        .onComplete(
            found -> {
              if (found.failed()) {
                answerFailure(ctx, found.cause());
                return;
              }
              try {
                Buffer body = ctx.body().buffer();
                JsonNode json = bodies.parseObject(body, "\"key\" and \"data\"");
                EventRequest event = EventRequestValidator.parse(type, json);
                schemaCheck
                    .payload(found.result(), event)
                    .onComplete(
                        encoded -> {
                          if (encoded.failed()) {
                            answerFailure(ctx, encoded.cause());
                            return;
                          }
                          write(ctx, List.of(event), List.of(encoded.result()), "event:" + type);
                        });
              } catch (RejectedRequest rejected) {
                replies.error(ctx, rejected.error());
              } catch (RuntimeException e) {
                // Thrown inside a future's callback it would be lost; the router answers 500.
                ctx.fail(e);
              }
            });
  }

  /**
   * Last step of a batch, once the body is read: parse and check every event, the caller's
   * permission for each type and its rate limit for all of them, each event's schema, and write
   * them all in one transaction.
   */
  public void ingestBatch(RoutingContext ctx) {
    List<EventRequest> events;
    Caller caller = ctx.get(CALLER);
    try {
      JsonNode json = bodies.parseObject(ctx.body().buffer(), "\"events\"");
      events = EventRequestValidator.parseBatch(json, config.limits().maxBatchEvents());
      for (int i = 0; i < events.size(); i++) {
        if (!caller.mayPublish(events.get(i).type())) {
          throw new RejectedRequest(
              ApiError.forbiddenEventType(caller.app(), events.get(i).type()).inBatch(i));
        }
      }
    } catch (RejectedRequest rejected) {
      replies.error(ctx, rejected.error());
      return;
    }
    if (!withinRateLimit(ctx, caller, events.size())) {
      return;
    }
    Map<String, Future<SchemaVersion>> schemas = new LinkedHashMap<>();
    events.forEach(e -> schemas.computeIfAbsent(e.type(), schemaCheck::schemaOf));
    Future.join(new ArrayList<>(schemas.values()))
        .onComplete(
            looked -> {
              try {
                encodeBatch(ctx, events, schemas);
              } catch (RuntimeException e) {
                ctx.fail(e);
              }
            });
  }

  private void encodeBatch(
      RoutingContext ctx, List<EventRequest> events, Map<String, Future<SchemaVersion>> schemas) {
    List<Future<byte[]>> payloads = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      EventRequest event = events.get(i);
      Future<SchemaVersion> schema = schemas.get(event.type());
      if (schema.failed()) {
        answerFailure(ctx, schema.cause(), i);
        return;
      }
      try {
        payloads.add(schemaCheck.payload(schema.result(), event));
      } catch (RejectedRequest rejected) {
        replies.error(ctx, rejected.error().inBatch(i));
        return;
      }
    }
    Future.join(new ArrayList<>(payloads))
        .onComplete(
            encoded -> {
              List<byte[]> bytes = new ArrayList<>(payloads.size());
              for (int i = 0; i < payloads.size(); i++) {
                if (payloads.get(i).failed()) {
                  answerFailure(ctx, payloads.get(i).cause(), i);
                  return;
                }
                bytes.add(payloads.get(i).result());
              }
              write(ctx, events, bytes, "batch");
            });
  }

  private void write(
      RoutingContext ctx, List<EventRequest> events, List<byte[]> payloads, String what) {
    if (capture.open()) {
      writeCaptured(ctx, events, payloads, what);
      return;
    }
    capture
        .ready()
        .onComplete(
            ready -> {
              if (ready.succeeded() && ready.result()) {
                writeCaptured(ctx, events, payloads, what);
              } else if (ready.succeeded()) {
                replies.error(ctx, ApiError.captureNotReady());
              } else {
                replies.error(ctx, ApiError.databaseUnavailable(ApiError.RETRY_AFTER_SECONDS));
              }
            });
  }

  /** Writes once a replication slot is known to capture what is written. */
  private void writeCaptured(
      RoutingContext ctx, List<EventRequest> events, List<byte[]> payloads, String what) {
    Caller caller = ctx.get(CALLER);
    String traceparent = ctx.get(OffloadHeaders.TRACEPARENT);
    String idempotencyKey = ctx.get(IDEMPOTENCY_KEY);
    boolean batch = what.equals("batch");
    if (!breaker.tryAcquire()) {
      replies.error(ctx, ApiError.databaseUnavailable(breaker.retryAfterSeconds()));
      return;
    }
    List<OutboxStore.PendingEvent> pending = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      pending.add(new OutboxStore.PendingEvent(UUID.randomUUID(), events.get(i), payloads.get(i)));
    }
    Span request = ctx.get(SPAN, Span.getInvalid());
    Span write =
        tracer
            .spanBuilder("outbox write")
            .setParent(Context.root().with(request))
            .setAttribute("db.system.name", "postgresql")
            .setAttribute("offload.event.count", (long) pending.size())
            .startSpan();
    // After the write's span starts: the capture's span starts at this time.
    OffsetDateTime now = OffsetDateTime.now(clock);
    Future<OutboxStore.WriteResult> written;
    if (idempotencyKey == null && !batch) {
      OutboxStore.PendingEvent one = pending.get(0);
      written =
          store
              .write(one.id(), one.event(), one.payload(), now, caller.app(), traceparent)
              .map(done -> new OutboxStore.WriteResult(OutboxStore.Outcome.WRITTEN, ids(pending)));
    } else {
      OutboxStore.IdempotencyClaim claim =
          idempotencyKey == null
              ? null
              : new OutboxStore.IdempotencyClaim(
                  caller.app(),
                  idempotencyKey,
                  requestHash(what, ctx.body().buffer()),
                  config.idempotency().retention());
      written = store.writeAll(pending, now, caller.app(), traceparent, claim);
    }
    written.onComplete(
        done -> {
          if (done.succeeded()) {
            // No ids when the idempotency key was used for another request.
            List<String> ids = done.result().eventIds().stream().map(UUID::toString).toList();
            request.setAttribute(PRODUCER, caller.app());
            if (batch || ids.size() != 1) {
              request.setAttribute(Tracing.EVENT_IDS, ids);
            } else {
              request.setAttribute(Tracing.EVENT_ID, ids.get(0));
            }
            write.setAttribute(Tracing.EVENT_IDS, ids);
          } else {
            write.setStatus(StatusCode.ERROR, done.cause().toString());
          }
          write.end();
          if (done.failed()) {
            if (isDataError(done.cause())) {
              breaker.onSuccess(); // the database answered; the request is at fault
              ctx.fail(done.cause());
              return;
            }
            breaker.onSinkFailure();
            log.warn("Outbox write failed, answering 503: {}", done.cause().toString());
            replies.error(ctx, ApiError.databaseUnavailable(ApiError.RETRY_AFTER_SECONDS));
            return;
          }
          breaker.onSuccess();
          OutboxStore.WriteResult result = done.result();
          switch (result.outcome()) {
            case KEY_REUSED -> replies.error(ctx, ApiError.idempotencyKeyReused());
            case REPLAYED -> {
              metrics.countIdempotentReplay();
              ctx.response().putHeader(REPLAYED, "true");
              replies.json(ctx, 202, accepted(result.eventIds(), batch));
            }
            default -> replies.json(ctx, 202, accepted(result.eventIds(), batch));
          }
        });
  }

  private static JsonObject accepted(List<UUID> ids, boolean batch) {
    if (!batch) {
      return new JsonObject().put("eventId", ids.get(0).toString());
    }
    JsonArray list = new JsonArray();
    ids.forEach(id -> list.add(id.toString()));
    return new JsonObject().put("eventIds", list);
  }

  private static List<UUID> ids(List<OutboxStore.PendingEvent> pending) {
    return pending.stream().map(OutboxStore.PendingEvent::id).toList();
  }

  private boolean withinRateLimit(RoutingContext ctx, Caller caller, int events) {
    long retryAfter = rateLimiter.tryAcquire(caller.app(), events);
    if (retryAfter == 0) {
      return true;
    }
    metrics.countRateLimited(caller.app(), events);
    replies.error(ctx, ApiError.rateLimited(caller.app(), retryAfter));
    return false;
  }

  private void answerFailure(RoutingContext ctx, Throwable failure) {
    if (failure instanceof RejectedRequest rejected) {
      replies.error(ctx, rejected.error());
    } else {
      ctx.fail(failure);
    }
  }

  /** As {@link #answerFailure(RoutingContext, Throwable)}, for event {@code index} of a batch. */
  private void answerFailure(RoutingContext ctx, Throwable failure, int index) {
    if (failure instanceof RejectedRequest rejected) {
      ApiError error = rejected.error();
      if (error.status() == 404) {
        // In a batch the type is a field of the body, not a resource in the path.
        error = new ApiError(400, error.code(), error.message(), error.field(), error.details());
      }
      replies.error(ctx, error.status() >= 500 ? error : error.inBatch(index));
    } else {
      ctx.fail(failure);
    }
  }

  /**
   * The request's span, a child of the caller's when it sent a valid {@code traceparent}, and the
   * {@code traceparent} written with its events: the span's own when spans are recorded, else the
   * caller's (or a new one).
   */
  private void traceparent(RoutingContext ctx, String route) {
    List<String> received = ctx.request().headers().getAll(OffloadHeaders.TRACEPARENT);
    String header = received.size() == 1 ? received.get(0) : null;
    String traceparent = Traceparent.resolve(header);
    if (Tracing.records(tracer)) {
      Span span =
          tracer
              .spanBuilder("POST " + route)
              .setSpanKind(SpanKind.SERVER)
              .setParent(Tracing.parent(Traceparent.isValid(header) ? header : null))
              .setAttribute("http.request.method", "POST")
              .setAttribute("http.route", route)
              .startSpan();
      traceparent = Tracing.traceparent(span);
      ctx.put(SPAN, span);
      ctx.addEndHandler(
          ended -> {
            int status = ctx.response().getStatusCode();
            span.setAttribute("http.response.status_code", (long) status);
            if (status >= 500) {
              span.setStatus(StatusCode.ERROR);
            }
            span.end();
          });
    }
    ctx.put(OffloadHeaders.TRACEPARENT, traceparent);
    ctx.response().putHeader(OffloadHeaders.TRACEPARENT, traceparent);
  }

  private static void checkCommonHeaders(RoutingContext ctx) {
    EventRequestValidator.checkContentType(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE));
    String key =
        EventRequestValidator.checkIdempotencyKey(
            ctx.request().headers().getAll(ApiError.IDEMPOTENCY_KEY));
    if (key != null) {
      ctx.put(IDEMPOTENCY_KEY, key);
    }
  }

  /** What a retry must repeat: the route (type or batch) and the body, byte for byte. */
  private static byte[] requestHash(String what, Buffer body) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(what.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) '\n');
      sha.update(body.getBytes());
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** A failure the database reported about the data (classes 22 and 23), not its availability. */
  private static boolean isDataError(Throwable failure) {
    if (failure instanceof PgException pg && pg.getSqlState() != null) {
      return pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("23");
    }
    return false;
  }
}
