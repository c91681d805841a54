package dev.offload.producers.internal;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the API's routes; every answer, errors included, is JSON (but {@code /metrics}). */
public final class ApiRouter {
  /** Content type of {@code /metrics}: the Prometheus text format. */
  public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

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
   */
  public record Parts(
      OutboxStore store,
      PrometheusMeterRegistry registry,
      Map<String, BooleanSupplier> readinessChecks,
      String producerName,
      long maxBodyBytes,
      Clock clock,
      EventSchemas schemas) {}

  /** The router of the ingest API. */
  public static Router create(Vertx vertx, ApiMetrics metrics, Parts parts) {
    return new ApiRouter(metrics).build(vertx, parts);
  }

  private Router build(Vertx vertx, Parts parts) {
    SchemaCheck schemaCheck =
        parts.schemas() == null ? SchemaCheck.disabled() : SchemaCheck.against(parts.schemas());
    IngestHandler ingest =
        new IngestHandler(parts.store(), replies, parts.producerName(), parts.clock(), schemaCheck);
    HealthHandler health =
        new HealthHandler(vertx, parts.store(), parts.readinessChecks(), replies);
    Router router = Router.router(vertx);
    router.route().handler(this::timeRequest);
    // Two routes for one path, because a body handler must come first on its route: the checks
    // that need no body answer before a large body is read.
    router.post(IngestHandler.PATH).handler(named(IngestHandler.ROUTE, ingest::checkHeaders));
    router
        .post(IngestHandler.PATH)
        .handler(BodyHandler.create(false).setBodyLimit(parts.maxBodyBytes()))
        .handler(ingest::ingest);
    if (parts.schemas() != null) {
      EventTypesHandler eventTypes = new EventTypesHandler(parts.schemas(), replies);
      router.get(EventTypesHandler.PATH).handler(named(EventTypesHandler.PATH, eventTypes::list));
    }
    router.get("/health/live").handler(named("/health/live", health::live));
    router.get("/health/ready").handler(named("/health/ready", health::ready));
    router.get("/metrics").handler(named("/metrics", ctx -> scrape(ctx, parts.registry())));
    routeErrors(router, parts.maxBodyBytes());
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

  private void timeRequest(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(
        ended ->
            metrics.recordRequest(
                ctx.get(ROUTE_KEY, ApiMetrics.UNMATCHED),
                ctx.response().getStatusCode(),
                System.nanoTime() - start));
    ctx.next();
  }

  private static String allowedMethods(Router router, String path) {
    return router.getRoutes().stream()
        // Paths with parameters count as regex routes too; getPath() keeps their template.
        .filter(route -> route.getPath() != null && route.methods() != null)
        .filter(route -> matches(route.getPath(), path))
        .flatMap(route -> route.methods().stream())
        .map(HttpMethod::name)
        .distinct()
        .sorted()
        .collect(Collectors.joining(", "));
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

  private static void scrape(RoutingContext ctx, PrometheusMeterRegistry registry) {
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS_TEXT)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(registry.scrape());
  }
}
