package dev.offload.streams.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.offload.streams.StreamsRunner;
import dev.offload.streams.analytics.AnalyticsQueries;
import dev.offload.streams.analytics.AnalyticsTopology;
import dev.offload.streams.analytics.CountDimension;
import dev.offload.streams.analytics.CountWindow;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of a running topology: {@code GET /health/ready} (200 while RUNNING or REBALANCING,
 * 503 otherwise, with the state in the body), {@code GET /health/live}, {@code GET /metrics}
 * (Prometheus text) and, for topologies with analytics stores, {@code GET /v1/analytics/counts}.
 */
public final class StreamsHttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StreamsHttpServer.class);

  private final StreamsRunner runner;
  private final HttpServer server;
  private final ExecutorService executor;
  private final String host;
  private final MeterRegistry registry;

  private StreamsHttpServer(
      StreamsRunner runner,
      HttpServer server,
      ExecutorService executor,
      String host,
      MeterRegistry r) {
    this.runner = runner;
    this.server = server;
    this.executor = executor;
    this.host = host;
    this.registry = r;
  }

  /** Binds {@code host:port} (0 for any free port) and serves health and metrics. */
  public static StreamsHttpServer start(
      StreamsRunner runner, String host, int port, MeterRegistry registry) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + host + ":" + port, e);
    }
    ExecutorService executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "offload-streams-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    StreamsHttpServer http = new StreamsHttpServer(runner, server, executor, host, registry);
    server.createContext("/health/ready", http::ready);
    server.createContext("/health/live", http::live);
    server.createContext("/metrics", http::metrics);
    server.start();
    return http;
  }

  /** Adds the query routes that {@code topology}'s stores support. */
  public void serve(Topology topology) {
    String probe = AnalyticsTopology.storeName(CountDimension.TYPE, CountWindow.MINUTE);
    if (hasStore(topology.describe(), probe)) {
      AnalyticsQueries queries =
          new AnalyticsQueries(runner::instances, new HostInfo(host, port()), Clock.systemUTC());
      server.createContext(
          AnalyticsQueries.PATH,
          exchange -> {
            AnalyticsQueries.Answer answer;
            try {
              answer = queries.query(params(exchange));
            } catch (RuntimeException e) {
              // Kafka Streams throws while instances start, rebalance or stop: ask again later.
              log.info("Analytics query failed: {}", e.toString());
              answer = new AnalyticsQueries.Answer(503, "{\"error\":\"state is moving\"}");
            }
            send(exchange, answer.status(), "application/json", answer.body());
          });
    }
  }

  private static boolean hasStore(TopologyDescription description, String store) {
    return description.subtopologies().stream()
        .flatMap(s -> s.nodes().stream())
        .filter(n -> n instanceof TopologyDescription.Processor)
        .anyMatch(n -> ((TopologyDescription.Processor) n).stores().contains(store));
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  private void ready(HttpExchange exchange) throws IOException {
    KafkaStreams.State state = runner.state();
    String body =
        "{\"topology\":\""
            + runner.definition().name()
            + "\",\"applicationId\":\""
            + runner.applicationId()
            + "\",\"state\":\""
            + state
            + "\",\"instances\":"
            + runner.instances().size()
            + ",\"waitingForInputTopics\":"
            + runner.isWaitingForInputTopics()
            + "}";
    send(exchange, runner.isReady() ? 200 : 503, "application/json", body);
  }

  private void live(HttpExchange exchange) throws IOException {
    boolean alive = runner.state() != KafkaStreams.State.ERROR;
    send(exchange, alive ? 200 : 503, "application/json", "{\"state\":\"" + runner.state() + "\"}");
  }

  private void metrics(HttpExchange exchange) throws IOException {
    if (registry instanceof PrometheusMeterRegistry prometheus) {
      send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", prometheus.scrape());
    } else {
      send(exchange, 404, "text/plain", "metrics are not exported in Prometheus format here");
    }
  }

  private static Map<String, String> params(HttpExchange exchange) {
    Map<String, String> params = new LinkedHashMap<>();
    String query = exchange.getRequestURI().getRawQuery();
    if (query != null) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          params.put(
              URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return params;
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    } catch (IOException e) {
      log.debug("HTTP client went away", e);
      throw e;
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
