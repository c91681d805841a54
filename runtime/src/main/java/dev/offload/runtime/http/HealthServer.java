package dev.offload.runtime.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of a role: {@code GET /health/live}, {@code GET /health/ready}, {@code GET
 * /metrics} (Prometheus text) and whatever routes the role adds, on a small Vert.x server of its
 * own (one event loop; answers are computed on worker threads, since readiness checks, a scrape or
 * a query may block).
 *
 * <pre>{@code
 * HealthServer http =
 *     HealthServer.on("0.0.0.0", 8086).readiness(connector::isRunning).metrics(registry).start();
 * }</pre>
 *
 * <p>Only {@code GET} is served: another method on a served path answers 405 {@code {"error":
 * ...}}; an unknown path answers 404. A route that throws answers 500 {@code {"error": message}}.
 */
public final class HealthServer implements AutoCloseable {
  /** The liveness path. */
  public static final String LIVE = "/health/live";

  /** The readiness path. */
  public static final String READY = "/health/ready";

  /** The Prometheus scrape path. */
  public static final String METRICS = "/metrics";

  private static final Logger log = LoggerFactory.getLogger(HealthServer.class);
  private static final long TIMEOUT_SECONDS = 10;

  /** A route's answer, computed off the event loop from the request's query parameters. */
  @FunctionalInterface
  public interface Endpoint {
    /** The answer to a {@code GET} with {@code query} (decoded; the first value of each name). */
    Reply reply(Map<String, String> query) throws Exception;
  }

  private final Vertx vertx;
  private final Router router;
  private final HttpServer server;
  private final AtomicBoolean closed = new AtomicBoolean();

  private HealthServer(Vertx vertx, Router router, HttpServer server) {
    this.vertx = vertx;
    this.router = router;
    this.server = server;
  }

  /** A server to bind on {@code host:port} (0 for any free port); add routes, then start it. */
  public static Builder on(String host, int port) {
    return new Builder(host, port);
  }

  /**
   * The {@code /metrics} handler for a role with a Vert.x router of its own (the API, the ops
   * dashboard): the scrape of {@code registry} in the Prometheus text format, formatted off the
   * event loop.
   */
  public static Handler<RoutingContext> scrapeHandler(PrometheusMeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    return ctx -> {
      // Prometheus asks for OpenMetrics when it stores exemplars: the trace and span ids beside a
      // histogram's buckets, recorded while a span was current.
      String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
      boolean openMetrics = accept != null && accept.contains("application/openmetrics-text");
      String type = openMetrics ? OPENMETRICS : Reply.PROMETHEUS_TEXT;
      ctx.vertx()
          .executeBlocking(
              () -> openMetrics ? registry.scrape(OPENMETRICS) : registry.scrape(), false)
          .onSuccess(text -> send(ctx, new Reply(200, type, text)))
          .onFailure(ctx::fail);
    };
  }

  /** The OpenMetrics text format's content type. */
  public static final String OPENMETRICS =
      "application/openmetrics-text; version=1.0.0; charset=utf-8";

  /** The port served on. */
  public int port() {
    return server.actualPort();
  }

  /** Adds a {@code GET} route while the server runs (for routes that need {@link #port()}). */
  public void route(String path, Endpoint endpoint) {
    serve(router, path, endpoint);
  }

  /** Stops serving and releases the server's threads; closing again does nothing. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      await(server.close(), "stop the HTTP server");
    } finally {
      await(vertx.close(), "stop Vert.x");
    }
  }

  /** The routes of a server before it starts. */
  public static final class Builder {
    private final String host;
    private final int port;
    private final Map<String, Endpoint> routes = new LinkedHashMap<>();
    private PrometheusMeterRegistry scraped;

    private Builder(String host, int port) {
      this.host = Objects.requireNonNull(host, "host");
      this.port = port;
    }

    /**
     * The health routes of a role that is ready while {@code ready} holds: {@code /health/ready}
     * answers 200 {@code ready} or 503 {@code not ready}, and {@code /health/live} 200 {@code live}
     * whatever the readiness, so a liveness probe does not restart a role that only waits for its
     * dependencies. Plain text.
     */
    public Builder readiness(BooleanSupplier ready) {
      Objects.requireNonNull(ready, "ready");
      return health(
          () -> Reply.text(200, "live\n"),
          () -> ready.getAsBoolean() ? Reply.text(200, "ready\n") : Reply.text(503, "not ready\n"));
    }

    /** Health routes whose answers the role writes itself. */
    public Builder health(Supplier<Reply> live, Supplier<Reply> ready) {
      Objects.requireNonNull(live, "live");
      Objects.requireNonNull(ready, "ready");
      route(LIVE, query -> live.get());
      return route(READY, query -> ready.get());
    }

    /**
     * {@code /metrics}: the scrape of {@code registry} when it is a {@link
     * PrometheusMeterRegistry}, else 404 saying that metrics are not exported in that format.
     */
    public Builder metrics(MeterRegistry registry) {
      Objects.requireNonNull(registry, "registry");
      if (registry instanceof PrometheusMeterRegistry prometheus) {
        if (scraped != null || routes.containsKey(METRICS)) {
          throw new IllegalArgumentException("route " + METRICS + " is given twice");
        }
        scraped = prometheus;
        return this;
      }
      return route(
          METRICS, query -> Reply.text(404, "metrics are not exported in Prometheus format here"));
    }

    /** A {@code GET} route of the role's own. */
    public Builder route(String path, Endpoint endpoint) {
      if (routes.putIfAbsent(path, Objects.requireNonNull(endpoint, "endpoint")) != null) {
        throw new IllegalArgumentException("route " + path + " is given twice");
      }
      return this;
    }

    /**
     * Binds and serves.
     *
     * @throws IllegalStateException when {@code host:port} cannot be bound (the message says so)
     */
    public HealthServer start() {
      // One event loop: the loop only hands requests to workers and writes their answers.
      Vertx vertx =
          Vertx.builder()
              .with(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(4))
              .build();
      try {
        Router router = Router.router(vertx);
        routes.forEach((path, endpoint) -> serve(router, path, endpoint));
        if (scraped != null) {
          router.get(METRICS).handler(scrapeHandler(scraped));
        }
        router.errorHandler(
            405,
            ctx -> {
              ctx.response().putHeader(HttpHeaders.ALLOW, "GET");
              send(ctx, Reply.error(405, "only GET is served here"));
            });
        HttpServer server = vertx.createHttpServer().requestHandler(router);
        await(server.listen(port, host), "listen on " + host + ":" + port);
        return new HealthServer(vertx, router, server);
      } catch (Exception e) { // Future.await rethrows a checked cause such as BindException as is
        await(vertx.close(), "stop Vert.x");
        throw new IllegalStateException(
            "cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
      }
    }
  }

  private static void serve(Router router, String path, Endpoint endpoint) {
    router.get(path).blockingHandler(ctx -> send(ctx, answer(ctx, endpoint)), false);
  }

  private static Reply answer(RoutingContext ctx, Endpoint endpoint) {
    Map<String, String> query = new LinkedHashMap<>();
    List<String> names = new ArrayList<>(ctx.queryParams().names());
    names.forEach(name -> query.put(name, ctx.queryParams().get(name)));
    try {
      return endpoint.reply(query);
    } catch (Exception e) {
      log.warn("{} failed: {}", ctx.request().path(), e.toString());
      return Reply.error(500, e.getMessage());
    }
  }

  private static void send(RoutingContext ctx, Reply reply) {
    ctx.response()
        .setStatusCode(reply.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, reply.contentType())
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(reply.body());
  }

  private static <T> T await(Future<T> future, String what) {
    try {
      return future.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "could not " + what + " within " + TIMEOUT_SECONDS + " seconds", e);
    }
  }
}
