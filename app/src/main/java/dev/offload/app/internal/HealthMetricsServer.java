package dev.offload.app.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The HTTP face of a role without one of its own (the connector, the workers): {@code GET
 * /health/ready} (200 while {@code ready} holds, 503 otherwise), {@code GET /health/live} (200
 * while the process serves at all, for a liveness probe that must not restart a role only waiting
 * for its dependencies) and {@code GET /metrics} (Prometheus text). A JDK HTTP server on one daemon
 * thread.
 */
public final class HealthMetricsServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;

  private HealthMetricsServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Binds {@code host:port} (0 for any free port) and serves. */
  public static HealthMetricsServer start(
      String host, int port, BooleanSupplier ready, PrometheusMeterRegistry registry) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + host + ":" + port, e);
    }
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "offload-health-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext(
        "/health/ready",
        exchange -> {
          boolean up = ready.getAsBoolean();
          reply(exchange, up ? 200 : 503, "text/plain", up ? "ready\n" : "not ready\n");
        });
    server.createContext("/health/live", exchange -> reply(exchange, 200, "text/plain", "live\n"));
    server.createContext(
        "/metrics",
        exchange ->
            reply(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    server.start();
    return new HealthMetricsServer(server, executor);
  }

  /** The port served on. */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void reply(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
