package dev.offload.producers.internal;

import dev.offload.producers.ApiConfig;
import dev.offload.runtime.breaker.CircuitBreaker;
import dev.offload.runtime.http.HealthServer;
import dev.offload.runtime.tracing.Tracing;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the API's routes; every answer, errors included, is JSON (but {@code /metrics}). */
public final class ApiRouter {
  private static final Logger log = LoggerFactory.getLogger(ApiRouter.class);
  private static final String ROUTE_KEY = "offload.route";

  private final ApiMetrics metrics;
  private final Replies replies;

  private ApiRouter(ApiMetrics metrics) {
    this.metrics = metrics;
    this.replies = new Replies(metrics);
  }

  /**
   * Everything a router needs.
   *
   * @param schemas the event types' schemas; {@code null} for an API without schema registry, which
   *     accepts any data and has no {@code /v1/event-types}
   * @param breaker the circuit breaker in front of the database
   * @param capture whether events may be written: closed while a capture is required and no
   *     replication slot exists
   */
  public record Parts(
      OutboxStore store,
      PrometheusMeterRegistry registry,
      Map<String, BooleanSupplier> readinessChecks,
      ApiConfig config,
      Clock clock,
      EventSchemas schemas,
      CircuitBreaker breaker,
      CaptureGate capture,
      Tracing tracing) {}

  /** The router of the ingest API. */
  public static Router create(Vertx vertx, ApiMetrics metrics, Parts parts) {
    return new ApiRouter(metrics).build(vertx, parts);
  }

  private Router build(Vertx vertx, Parts parts) {
    ApiConfig config = parts.config();
    SchemaCheck schemaCheck =
        parts.schemas() == null ? SchemaCheck.disabled() : SchemaCheck.against(parts.schemas());
    Authenticator authenticator =
        new Authenticator(
            parts.store().pool(),
            parts.breaker(),
            config.auth(),
            config.producerName(),
            System::nanoTime,
            metrics);
    IngestHandler ingest =
        new IngestHandler(
            parts.store(),
            replies,
            metrics,
            parts.clock(),
            schemaCheck,
            authenticator,
            parts.breaker(),
            parts.capture(),
            config,
            parts.tracing().tracer(IngestHandler.TRACER));
    HealthHandler health =
        new HealthHandler(vertx, parts.store(), parts.readinessChecks(), replies);
    DocsHandler docs = DocsHandler.load(replies);
    long timeoutMillis = config.limits().requestTimeout().toMillis();
    Router router = Router.router(vertx);
    router.route().handler(ctx -> timeRequest(ctx, timeoutMillis));
    // Several routes for one path, because a body handler must come first on its route: the
    // checks that need no body (headers, API key, permission, rate) answer before a body is read.
    router.post(IngestHandler.PATH).handler(named(IngestHandler.ROUTE, ingest::checkHeaders));
    router.post(IngestHandler.PATH).handler(ingest::authenticate);
    router
        .post(IngestHandler.PATH)
        .handler(BodyHandler.create(false).setBodyLimit(config.limits().maxBodyBytes()))
        .handler(ingest::ingest);
    // A regular expression: in a plain path ':batch' would be a path parameter.
    String batch = Pattern.quote(IngestHandler.BATCH_ROUTE);
    router
        .postWithRegex(batch)
        .setName(IngestHandler.BATCH_ROUTE)
        .handler(named(IngestHandler.BATCH_ROUTE, ingest::checkBatchHeaders));
    router.postWithRegex(batch).setName(IngestHandler.BATCH_ROUTE).handler(ingest::authenticate);
    router
        .postWithRegex(batch)
        .setName(IngestHandler.BATCH_ROUTE)
        .handler(BodyHandler.create(false).setBodyLimit(config.limits().maxBodyBytes()))
        .handler(ingest::ingestBatch);
    if (parts.schemas() != null) {
      EventTypesHandler eventTypes = new EventTypesHandler(parts.schemas(), replies);
      router.get(EventTypesHandler.PATH).handler(named(EventTypesHandler.PATH, eventTypes::list));
    }
    router.get("/health/live").handler(named("/health/live", health::live));
    router.get("/health/ready").handler(named("/health/ready", health::ready));
    router
        .get(HealthServer.METRICS)
        .handler(named(HealthServer.METRICS, HealthServer.scrapeHandler(parts.registry())));
    router.get(DocsHandler.OPENAPI_PATH).handler(named(DocsHandler.OPENAPI_PATH, docs::openApi));
    router.get(DocsHandler.DOCS_PATH).handler(named(DocsHandler.DOCS_PATH, docs::page));
    router.get(DocsHandler.ASSET_PATH).handler(named(DocsHandler.ASSET_ROUTE, docs::asset));
    routeErrors(router, config.limits().maxBodyBytes());
    return router;
  }

  private void routeErrors(Router router, long maxBodyBytes) {
    router.errorHandler(404, ctx -> replies.error(ctx, ApiError.notFound(ctx.request().path())));
    router.errorHandler(
        405,
        ctx -> {
          String path = ctx.request().path();
          ctx.response().putHeader(HttpHeaders.ALLOW, allowedMethods(router, path));
          replies.error(ctx, ApiError.methodNotAllowed(ctx.request().method().name(), path));
        });
    router.errorHandler(
        413,
        ctx -> {
          // The client may still be sending the body; closing lets it stop instead of stalling.
          ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
          replies.error(ctx, ApiError.payloadTooLarge(maxBodyBytes));
        });
    router.errorHandler(
        400, ctx -> replies.error(ctx, ApiError.malformedBody("request body could not be read")));
    router.errorHandler(
        500,
        ctx -> {
          log.error("Unexpected failure answering {}", ctx.request().path(), ctx.failure());
          replies.error(ctx, ApiError.internal());
        });
  }

  private void timeRequest(RoutingContext ctx, long timeoutMillis) {
    long start = System.nanoTime();
    long timer =
        ctx.vertx()
            .setTimer(
                timeoutMillis,
                fired -> {
                  if (ctx.response().ended() || ctx.response().closed()) {
                    return;
                  }
                  if (!ctx.request().isEnded()) {
                    // The body never arrived in full: a Content-Length larger than what was sent.
                    ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
                    replies.error(ctx, ApiError.incompleteBody(timeoutMillis));
                  } else {
                    log.warn(
                        "No answer to {} {} within {} ms, answering 503",
                        ctx.request().method(),
                        ctx.request().path(),
                        timeoutMillis);
                    replies.error(ctx, ApiError.timeout(timeoutMillis));
                  }
                });
    ctx.addEndHandler(
        ended -> {
          ctx.vertx().cancelTimer(timer);
          // Recorded in the request's span: its histogram bucket may name the trace (exemplar).
          Span span = ctx.get(IngestHandler.SPAN, Span.getInvalid());
          try (Scope ignored = span.makeCurrent()) {
            metrics.recordRequest(
                ctx.get(ROUTE_KEY, ApiMetrics.UNMATCHED),
                ctx.response().getStatusCode(),
                System.nanoTime() - start);
          }
        });
    ctx.next();
  }

  private static String allowedMethods(Router router, String path) {
    return router.getRoutes().stream()
        // Paths with parameters count as regex routes too; getPath() keeps their template, and a
        // route made from a regular expression is named after its path.
        .filter(route -> templateOf(route) != null && route.methods() != null)
        .filter(route -> matches(templateOf(route), path))
        .flatMap(route -> route.methods().stream())
        .map(HttpMethod::name)
        .distinct()
        .sorted()
        .collect(Collectors.joining(", "));
  }

  /**
   * The path template of {@code route} in the router's syntax ({@code /v1/events/:type}); the name
   * of a regular-expression route; {@code null} for a route of every path.
   */
  public static String templateOf(io.vertx.ext.web.Route route) {
    return route.getPath() != null ? route.getPath() : route.getName();
  }

  private static boolean matches(String template, String path) {
    String[] expected = template.split("/", -1);
    String[] actual = path.split("/", -1);
    if (expected.length != actual.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if (!expected[i].startsWith(":") && !expected[i].equals(actual[i])) {
        return false;
      }
    }
    return true;
  }

  private static Handler<RoutingContext> named(String route, Handler<RoutingContext> handler) {
    return ctx -> {
      ctx.put(ROUTE_KEY, route);
      handler.handle(ctx);
    };
  }
}
