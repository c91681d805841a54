package dev.offload.streams.http;

import dev.offload.runtime.http.HealthServer;
import dev.offload.runtime.http.Reply;
import dev.offload.streams.StreamsRunner;
import dev.offload.streams.analytics.AnalyticsQueries;
import dev.offload.streams.analytics.AnalyticsTopology;
import dev.offload.streams.analytics.CountDimension;
import dev.offload.streams.analytics.CountWindow;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of a running topology, on the shared {@link HealthServer}: {@code GET
 * /health/ready} (200 while RUNNING or REBALANCING, 503 otherwise, with the state in the body),
 * {@code GET /health/live}, {@code GET /metrics} (Prometheus text) and, for topologies with
 * analytics stores, {@code GET /v1/analytics/counts}.
 */
public final class StreamsHttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StreamsHttpServer.class);

  private final StreamsRunner runner;
  private final HealthServer server;
  private final String host;

  private StreamsHttpServer(StreamsRunner runner, HealthServer server, String host) {
    this.runner = runner;
    this.server = server;
    this.host = host;
  }

  /** Binds {@code host:port} (0 for any free port) and serves health and metrics. */
  public static StreamsHttpServer start(
      StreamsRunner runner, String host, int port, MeterRegistry registry) {
    HealthServer server =
        HealthServer.on(host, port)
            .health(() -> live(runner), () -> ready(runner))
            .metrics(registry)
            .start();
    return new StreamsHttpServer(runner, server, host);
  }

  /** Adds the query routes that {@code topology}'s stores support. */
  public void serve(Topology topology) {
    String probe = AnalyticsTopology.storeName(CountDimension.TYPE, CountWindow.MINUTE);
    if (hasStore(topology.describe(), probe)) {
      AnalyticsQueries queries =
          new AnalyticsQueries(runner::instances, new HostInfo(host, port()), Clock.systemUTC());
      server.route(AnalyticsQueries.PATH, params -> count(queries, params));
    }
  }

  private static Reply count(AnalyticsQueries queries, Map<String, String> params) {
    AnalyticsQueries.Answer answer;
    try {
      answer = queries.query(params);
    } catch (RuntimeException e) {
      // Kafka Streams throws while instances start, rebalance or stop: ask again later.
      log.info("Analytics query failed: {}", e.toString());
      return Reply.error(503, "state is moving");
    }
    return new Reply(answer.status(), Reply.JSON, answer.body());
  }

  private static boolean hasStore(TopologyDescription description, String store) {
    return description.subtopologies().stream()
        .flatMap(s -> s.nodes().stream())
        .filter(n -> n instanceof TopologyDescription.Processor)
        .anyMatch(n -> ((TopologyDescription.Processor) n).stores().contains(store));
  }

  /** The bound port. */
  public int port() {
    return server.port();
  }

  private static Reply ready(StreamsRunner runner) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("topology", runner.definition().name());
    body.put("applicationId", runner.applicationId());
    body.put("state", runner.state().toString());
    body.put("instances", runner.instances().size());
    body.put("waitingForInputTopics", runner.isWaitingForInputTopics());
    return Reply.json(runner.isReady() ? 200 : 503, body);
  }

  private static Reply live(StreamsRunner runner) {
    KafkaStreams.State state = runner.state();
    return Reply.json(
        state != KafkaStreams.State.ERROR ? 200 : 503, Map.of("state", state.toString()));
  }

  @Override
  public void close() {
    server.close();
  }
}
