package dev.offload.ops.dashboard.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.offload.runtime.http.HealthServer;
import dev.offload.runtime.tracing.RecentSpans;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ops server's routes: the dashboard and its files, the JSON API the page polls, {@code
 * /metrics} and the health endpoints. Handlers only read what the {@link Collector} gathered, so
 * none blocks the event loop; {@code /metrics} formats the registry on a worker thread.
 */
public final class OpsRouter {
  private static final Logger log = LoggerFactory.getLogger(OpsRouter.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What the routes read.
   *
   * @param collector the dashboard's data
   * @param registry what {@code /metrics} scrapes
   * @param lagInterval time between two lag polls, told to the page
   * @param staleAfter how old the newest lag snapshot may be for {@code /health/ready}
   * @param clock the time the snapshots are compared with
   * @param spans the spans kept for the journeys of events: this process's own in {@code offload
   *     dev}, and those roles send to {@code POST /v1/traces}; none with {@code --keep-spans 0}
   */
  public record Parts(
      Collector collector,
      PrometheusMeterRegistry registry,
      Duration lagInterval,
      Duration staleAfter,
      Clock clock,
      Optional<RecentSpans> spans) {}

  /** Where OTLP/HTTP exporters send spans: the path an endpoint of {@code http://ops:8090} gets. */
  public static final String OTLP_TRACES = "/v1/traces";

  /** The largest export taken, as a collector's default: 16 MiB, decompressed. */
  private static final long OTLP_BODY_LIMIT = 16L * 1024 * 1024;

  private static final String PROTOBUF = "application/x-protobuf";

  private final Parts parts;
  private final Counter spansReceived;

  private OpsRouter(Parts parts) {
    this.parts = parts;
    this.spansReceived =
        Counter.builder("offload.ops.spans.received")
            .description("Spans received over OTLP and kept for the journeys of events")
            .register(parts.registry());
  }

  /** The router of the ops server. */
  public static Router create(Vertx vertx, Parts parts, Assets assets) {
    OpsRouter ops = new OpsRouter(parts);
    Router router = Router.router(vertx);
    router.get("/").handler(ctx -> ctx.redirect("/dashboard"));
    assets.route(router);
    router.get("/api/dashboard").handler(ctx -> ops.json(ctx, ops::dashboard));
    router.get("/api/lag").handler(ctx -> ops.json(ctx, ops::lag));
    router.get("/api/throughput").handler(ctx -> ops.json(ctx, ops::throughput));
    router.get("/api/dead-letters").handler(ctx -> ops.json(ctx, ops::deadLetters));
    router.get("/api/roles").handler(ctx -> ops.json(ctx, ops::roles));
    router.get("/api/connectors").handler(ctx -> ops.json(ctx, ops::connectors));
    router.get("/api/journey").handler(ops::journey);
    router.get("/api/journeys/slowest").handler(ops::slowest);
    router
        .post(OTLP_TRACES)
        .handler(BodyHandler.create().setBodyLimit(OTLP_BODY_LIMIT))
        .handler(ops::receiveSpans);
    router.get(HealthServer.METRICS).handler(HealthServer.scrapeHandler(parts.registry()));
    router.get("/health/live").handler(ctx -> ops.json(ctx, () -> Map.of("status", "UP")));
    router.get("/health/ready").handler(ops::ready);
    router.errorHandler(
        500,
        ctx -> {
          log.error("Unexpected failure answering {}", ctx.request().path(), ctx.failure());
          ctx.response().setStatusCode(500).end();
        });
    return router;
  }

  private Object dashboard() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("now", parts.clock().instant().toString());
    out.put("lagIntervalSeconds", parts.lagInterval().toMillis() / 1000.0);
    out.put("historySeconds", parts.collector().history().length().toSeconds());
    out.put("lag", lag());
    out.put("throughput", throughput());
    out.put("deadLetters", deadLetters());
    out.put("roles", roles());
    out.put("connectors", connectors());
    return out;
  }

  private Object lag() {
    Collector c = parts.collector();
    return DashboardJson.lag(c.snapshot(), c.history().frames());
  }

  private Object throughput() {
    Collector c = parts.collector();
    return DashboardJson.throughput(c.rates(), c.history().frames());
  }

  private Object deadLetters() {
    return DashboardJson.deadLetters(parts.collector().deadLetters());
  }

  private Object roles() {
    return DashboardJson.roles(parts.collector().roles());
  }

  private Object connectors() {
    return ConnectorMeters.read(parts.registry());
  }

  /** {@code ?event-id=}: the spans of one event's journey, by start; 404 when none is kept. */
  private void journey(RoutingContext ctx) {
    String eventId = ctx.request().getParam("event-id");
    if (eventId == null || eventId.isBlank()) {
      error(ctx, 400, "event-id", "give the event's id: /api/journey?event-id=<id>");
      return;
    }
    if (parts.spans().isEmpty()) {
      noSpans(ctx);
      return;
    }
    List<RecentSpans.SpanView> spans = parts.spans().get().journey(eventId.trim());
    if (spans.isEmpty()) {
      error(
          ctx,
          404,
          "event-id",
          "no span of event "
              + eventId.trim()
              + " is kept here: it was not accepted by this stack, or its spans were the oldest and"
              + " made room for newer ones");
      return;
    }
    json(ctx, () -> Map.of("eventId", eventId.trim(), "spans", spans));
  }

  /** {@code ?limit=}: the slowest traces kept, slowest first (default 20). */
  private void slowest(RoutingContext ctx) {
    if (parts.spans().isEmpty()) {
      noSpans(ctx);
      return;
    }
    int limit;
    try {
      limit = Integer.parseInt(ctx.request().getParam("limit", "20"));
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > 1000) {
      error(ctx, 400, "limit", "limit must be a whole number from 1 to 1000");
      return;
    }
    int n = limit;
    json(ctx, () -> Map.of("traces", parts.spans().get().slowest(n)));
  }

  /**
   * {@code POST /v1/traces}: an OTLP/HTTP export (protobuf, gzip or not), its spans kept for the
   * journeys of events. Answers as a collector does: 200 with an empty {@code
   * ExportTraceServiceResponse}.
   */
  private void receiveSpans(RoutingContext ctx) {
    if (parts.spans().isEmpty()) {
      error(
          ctx,
          404,
          null,
          "this ops server keeps no spans (--keep-spans 0): send them to an OTLP collector");
      return;
    }
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith(PROTOBUF)) {
      error(
          ctx,
          415,
          "Content-Type",
          "send OTLP/HTTP with protobuf (Content-Type: "
              + PROTOBUF
              + "), as OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf does; was: "
              + type);
      return;
    }
    List<RecentSpans.SpanView> spans;
    try {
      byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
      spans = OtlpSpans.read(body, ctx.request().getHeader(HttpHeaders.CONTENT_ENCODING));
    } catch (IOException e) {
      error(ctx, 400, "body", "not an OTLP ExportTraceServiceRequest: " + e.getMessage());
      return;
    }
    RecentSpans kept = parts.spans().get();
    spans.forEach(kept::keep);
    spansReceived.increment(spans.size());
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, PROTOBUF).end(Buffer.buffer());
  }

  private void noSpans(RoutingContext ctx) {
    error(
        ctx,
        404,
        null,
        "this ops server keeps no spans (started with --keep-spans 0): offload dev keeps its own;"
            + " production roles send theirs to the OTLP endpoint they are configured with, which"
            + " may be this server's "
            + OTLP_TRACES);
  }

  private void error(RoutingContext ctx, int status, String field, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put(
        "error",
        switch (status) {
          case 400 -> "invalid-request";
          case 415 -> "unsupported-media-type";
          default -> "not-found";
        });
    body.put("message", message);
    if (field != null) {
      body.put("field", field);
    }
    ctx.response().setStatusCode(status);
    json(ctx, () -> body);
  }

  private void ready(RoutingContext ctx) {
    Instant taken = parts.collector().snapshot().takenAt();
    Instant now = parts.clock().instant();
    boolean fresh = !taken.equals(Instant.EPOCH) && taken.plus(parts.staleAfter()).isAfter(now);
    DeadLetters dlq = parts.collector().deadLetters();
    Map<String, Object> checks = new LinkedHashMap<>();
    checks.put("lag-monitor", fresh ? "UP" : "DOWN");
    boolean dlqRead = !dlq.readAt().equals(Instant.EPOCH) && dlq.error() == null;
    checks.put("dead-letters", dlqRead ? "UP" : "DOWN");
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", fresh ? "UP" : "DOWN");
    body.put("checks", checks);
    body.put("lagTakenAt", taken.equals(Instant.EPOCH) ? null : taken.toString());
    ctx.response().setStatusCode(fresh ? 200 : 503);
    json(ctx, () -> body);
  }

  private void json(RoutingContext ctx, Supplier<Object> body) {
    String text;
    try {
      text = JSON.writeValueAsString(body.get());
    } catch (JsonProcessingException e) {
      ctx.fail(e);
      return;
    }
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(text);
  }
}
