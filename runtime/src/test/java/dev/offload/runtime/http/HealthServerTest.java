package dev.offload.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthServerTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void answersReadinessFromTheRoleAndServesPrometheusText() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.counter("offload.connector.changes", "table", "public.orders").increment(3);
    AtomicBoolean ready = new AtomicBoolean(false);

    try (HealthServer server =
        HealthServer.on("127.0.0.1", 0).readiness(ready::get).metrics(registry).start()) {
      String base = "http://127.0.0.1:" + server.port();
      HttpResponse<String> notReady = get(base + "/health/ready");
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body()).isEqualTo("not ready\n");
      assertThat(get(base + "/health/live").statusCode())
          .as("live while not ready: a liveness probe must not restart a waiting role")
          .isEqualTo(200);
      ready.set(true);
      HttpResponse<String> isReady = get(base + "/health/ready");
      assertThat(isReady.statusCode()).isEqualTo(200);
      assertThat(isReady.body()).isEqualTo("ready\n");
      HttpResponse<String> metrics = get(base + "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type"))
          .hasValue("text/plain; version=0.0.4; charset=utf-8");
      assertThat(metrics.body())
          .contains("offload_connector_changes_total{table=\"public.orders\"} 3.0");
      assertThat(get(base + "/health/nothing").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void servesTheRolesOwnRoutesAsJsonWithDecodedParameters() throws Exception {
    try (HealthServer server =
        HealthServer.on("127.0.0.1", 0)
            .route("/v1/echo", query -> Reply.ok(Map.of("q", query.get("q"))))
            .route(
                "/v1/broken",
                query -> {
                  throw new IllegalStateException("the \"index\" is closed");
                })
            .start()) {
      String base = "http://127.0.0.1:" + server.port();
      server.route("/v1/later", query -> Reply.error(400, "later\nline"));

      HttpResponse<String> echo = get(base + "/v1/echo?q=a%20b+%22c%22");
      assertThat(echo.statusCode()).isEqualTo(200);
      assertThat(echo.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(echo.body()).isEqualTo("{\"q\":\"a b \\\"c\\\"\"}");
      HttpResponse<String> broken = get(base + "/v1/broken");
      assertThat(broken.statusCode()).isEqualTo(500);
      assertThat(broken.body()).isEqualTo("{\"error\":\"the \\\"index\\\" is closed\"}");
      assertThat(get(base + "/v1/later").body()).isEqualTo("{\"error\":\"later\\nline\"}");
      assertThat(get(base + "/health/ready").statusCode())
          .as("no health routes unless the role asks")
          .isEqualTo(404);

      HttpResponse<String> post =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/v1/echo"))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
      assertThat(post.body()).contains("only GET");
    }
  }

  @Test
  void aRegistryThatIsNotPrometheusIsNotScraped() throws Exception {
    HealthServer server =
        HealthServer.on("127.0.0.1", 0).metrics(new SimpleMeterRegistry()).start();
    try (server) {
      HttpResponse<String> metrics = get("http://127.0.0.1:" + server.port() + "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(404);
      assertThat(metrics.body()).contains("not exported in Prometheus format");
    }
    server.close(); // a second close, as a shutdown hook and a normal stop may both do
  }

  @Test
  void aTakenPortIsNamedInTheFailure() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      assertThatThrownBy(() -> HealthServer.on("127.0.0.1", port).start())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot listen on 127.0.0.1:" + port);
    }
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
