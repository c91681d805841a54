package dev.offload.ops.dashboard;

import dev.offload.ops.dashboard.internal.Assets;
import dev.offload.ops.dashboard.internal.Collector;
import dev.offload.ops.dashboard.internal.DeadLetterReader;
import dev.offload.ops.dashboard.internal.OpsRouter;
import dev.offload.ops.dashboard.internal.Throughput;
import dev.offload.ops.lag.LagMonitor;
import dev.offload.ops.lag.LagMonitorConfig;
import dev.offload.runtime.tracing.Tracing;
import dev.offload.schemas.config.ConfigChecks;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.net.BindException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ops role's HTTP server: it runs a {@link LagMonitor} and a reader of the dead-letter topics,
 * and serves
 *
 * <ul>
 *   <li>{@code GET /dashboard}: a live page (polls every 2 s) with every group's lag in records and
 *       seconds as charts over the {@link OpsServerConfig#history() history}, status badges,
 *       throughput in and out per topic, dead-letter counts and the newest dead letters' headers,
 *       the connectors of this process, and the health of each role;
 *   <li>{@code GET /api/dashboard}, the page's one poll, and its parts {@code /api/lag}, {@code
 *       /api/throughput}, {@code /api/dead-letters}, {@code /api/roles}, {@code /api/connectors};
 *   <li>{@code GET /metrics}: the Prometheus scrape of the registry it was given, which holds the
 *       lag gauges ({@link LagMonitor#LAG_RECORDS} ...) and the counters {@value #TOPIC_PRODUCED},
 *       {@value #GROUP_CONSUMED} and {@value #DEAD_LETTERS};
 *   <li>{@code GET /health/live} (200 while it runs) and {@code GET /health/ready} (200 once a lag
 *       poll succeeded within three intervals plus the admin timeout, else 503).
 * </ul>
 */
public final class OpsServer implements AutoCloseable {
  /** Records produced to a topic (sum of its log-end offsets), tagged {@code topic}. */
  public static final String TOPIC_PRODUCED = Throughput.PRODUCED;

  /** Records a group consumed from a topic (sum of its committed offsets), {@code group, topic}. */
  public static final String GROUP_CONSUMED = Throughput.CONSUMED;

  /** Dead letters written to a dead-letter topic (sum of its log ends), tagged {@code topic}. */
  public static final String DEAD_LETTERS = Collector.DEAD_LETTERS;

  private static final Logger log = LoggerFactory.getLogger(OpsServer.class);
  private static final long TIMEOUT_SECONDS = 30;

  private final OpsServerConfig config;
  private final LagMonitor monitor;
  private final DeadLetterReader reader;
  private final Collector collector;
  private final Vertx vertx;
  private final HttpServer server;
  private boolean closed;

  private OpsServer(
      OpsServerConfig config,
      LagMonitor monitor,
      DeadLetterReader reader,
      Collector collector,
      Vertx vertx,
      HttpServer server) {
    this.config = config;
    this.monitor = monitor;
    this.reader = reader;
    this.collector = collector;
    this.vertx = vertx;
    this.server = server;
  }

  /**
   * Starts the lag monitor, the dead-letter reader and the HTTP server, and waits until it listens.
   *
   * @param registry where the lag gauges and the ops counters go; {@code /metrics} serves its
   *     scrape. Pass the process's shared registry so the page also shows the connectors running in
   *     it
   * @param roleChecks the health of each role, by name, shown on the page; they may block (they run
   *     every 2 s on the collector's thread, never on the event loop); a check that throws is DOWN
   *     with the exception as its detail
   * @throws IllegalStateException when the port is taken (the message says {@code port <n> ...
   *     already in use}) or the server does not start
   */
  public static OpsServer start(
      OpsServerConfig config,
      PrometheusMeterRegistry registry,
      Map<String, BooleanSupplier> roleChecks) {
    return start(config, registry, roleChecks, Tracing.off());
  }

  /**
   * As {@link #start(OpsServerConfig, PrometheusMeterRegistry, Map)}, also serving the journeys of
   * events from the spans {@code tracing} keeps in memory ({@code /api/journey?event-id=}).
   */
  public static OpsServer start(
      OpsServerConfig config,
      PrometheusMeterRegistry registry,
      Map<String, BooleanSupplier> roleChecks,
      Tracing tracing) {
    ConfigChecks.check(Objects.requireNonNull(config, "config"));
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(roleChecks, "roleChecks (use Map.of() for none)");
    Assets assets = Assets.load();
    LagMonitorConfig lagConfig = config.lag();
    LagMonitor monitor = null;
    DeadLetterReader reader = null;
    Collector collector = null;
    Vertx vertx = null;
    try {
      monitor = LagMonitor.create(lagConfig, registry);
      reader =
          new DeadLetterReader(
              lagConfig.bootstrapServers(),
              lagConfig.groups(),
              config.newestDeadLetters(),
              lagConfig.requestTimeout(),
              lagConfig.clock(),
              lagConfig.security());
      collector =
          new Collector(
              monitor,
              reader,
              roleChecks,
              registry,
              config.history(),
              lagConfig.interval(),
              lagConfig.clock());
      vertx = Vertx.vertx();
      Duration staleAfter =
          lagConfig.interval().multipliedBy(3).plus(lagConfig.requestTimeout().multipliedBy(2));
      OpsRouter.Parts parts =
          new OpsRouter.Parts(
              collector,
              registry,
              lagConfig.interval(),
              staleAfter,
              lagConfig.clock(),
              tracing.recentSpans());
      HttpServer server =
          vertx
              .createHttpServer(new HttpServerOptions().setHost(config.host()))
              .requestHandler(OpsRouter.create(vertx, parts, assets));
      await(server.listen(config.port(), config.host()), "listen on " + address(config));
      OpsServer ops = new OpsServer(config, monitor, reader, collector, vertx, server);
      monitor.start();
      collector.start();
      log.info("Offload ops dashboard on {}/dashboard", ops.baseUrl());
      return ops;
    } catch (Exception e) { // Future.await rethrows checked causes such as BindException as is
      closeQuietly(collector, monitor, reader);
      if (vertx != null) {
        await(vertx.close(), "stop Vert.x");
      }
      throw startFailure(config, e);
    }
  }

  private static void closeQuietly(AutoCloseable... parts) {
    for (AutoCloseable part : parts) {
      if (part == null) {
        continue;
      }
      try {
        part.close();
      } catch (Exception e) {
        log.warn("Could not close {} after a failed start", part.getClass().getSimpleName(), e);
      }
    }
  }

  /** The configuration. */
  public OpsServerConfig config() {
    return config;
  }

  /** The lag monitor the server runs, for callers that want its snapshots too. */
  public LagMonitor monitor() {
    return monitor;
  }

  /** The port the server listens on (the chosen one when {@link OpsServerConfig#port()} is 0). */
  public int port() {
    return server.actualPort();
  }

  /** The URL clients use, e.g. {@code http://127.0.0.1:8090} (no trailing slash). */
  public String baseUrl() {
    String host = config.host();
    if (host.equals("0.0.0.0")) {
      host = "127.0.0.1";
    } else if (host.equals("::") || host.equals("[::]")) {
      host = "[::1]";
    } else if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + port();
  }

  /** The dashboard's URL, {@link #baseUrl()} + {@code /dashboard}. */
  public String dashboardUrl() {
    return baseUrl() + "/dashboard";
  }

  /** Stops the HTTP server, the collector, the lag monitor (removing its gauges) and Vert.x. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      await(server.close(), "stop the HTTP server");
      collector.close();
      monitor.close();
      reader.close();
    } finally {
      await(vertx.close(), "stop Vert.x");
    }
    log.info("Offload ops dashboard on {}:{} stopped", config.host(), port());
  }

  private static String address(OpsServerConfig config) {
    return config.host() + ":" + config.port();
  }

  private static <T> T await(Future<T> future, String what) {
    try {
      return future.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "could not " + what + " within " + TIMEOUT_SECONDS + " seconds", e);
    }
  }

  private static RuntimeException startFailure(OpsServerConfig config, Exception e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      String message = String.valueOf(cause.getMessage());
      if (cause instanceof BindException || message.contains("Address already in use")) {
        return new IllegalStateException(
            "port "
                + config.port()
                + " on "
                + config.host()
                + " is already in use; stop what is using it or choose another port",
            e);
      }
    }
    return e instanceof RuntimeException r
        ? r
        : new IllegalStateException("the ops server did not start: " + e.getMessage(), e);
  }
}
