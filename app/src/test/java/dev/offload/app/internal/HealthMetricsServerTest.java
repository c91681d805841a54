package dev.offload.app.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthMetricsServerTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void answersReadinessFromTheRoleAndServesPrometheusText() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.counter("offload.connector.changes", "table", "public.orders").increment(3);
    AtomicBoolean ready = new AtomicBoolean(false);

    try (HealthMetricsServer server =
        HealthMetricsServer.start("127.0.0.1", 0, ready::get, registry)) {
      String base = "http://127.0.0.1:" + server.port();
      assertThat(get(base + "/health/ready").statusCode()).isEqualTo(503);
      assertThat(get(base + "/health/live").statusCode())
          .as("live while not ready: a liveness probe must not restart a waiting role")
          .isEqualTo(200);
      ready.set(true);
      assertThat(get(base + "/health/ready").statusCode()).isEqualTo(200);
      HttpResponse<String> metrics = get(base + "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body())
          .contains("offload_connector_changes_total{table=\"public.orders\"} 3.0");
      assertThat(get(base + "/health/nothing").statusCode()).isEqualTo(404);
    }
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
