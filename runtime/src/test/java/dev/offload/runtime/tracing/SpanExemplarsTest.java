package dev.offload.runtime.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.runtime.http.HealthServer;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A latency recorded in a span names its trace beside the histogram bucket, in OpenMetrics. */
class SpanExemplarsTest {
  @Test
  void aHistogramBucketNamesTheTraceOfASampleRecordedInASpan() throws Exception {
    PrometheusMeterRegistry registry =
        new PrometheusMeterRegistry(
            PrometheusConfig.DEFAULT, new PrometheusRegistry(), Clock.SYSTEM, new SpanExemplars());
    Timer timer =
        Timer.builder("offload.test.latency").publishPercentileHistogram().register(registry);
    try (Tracing tracing = Tracing.keepingRecent("test", 10)) {
      Span span = tracing.tracer("test").spanBuilder("attempt").startSpan();
      try (Scope ignored = span.makeCurrent()) {
        timer.record(Duration.ofMillis(12));
      }
      span.end();
      timer.record(Duration.ofMillis(13)); // outside any span: no exemplar of its own

      try (HealthServer server = HealthServer.on("127.0.0.1", 0).metrics(registry).start()) {
        HttpClient http = HttpClient.newHttpClient();
        URI metrics = URI.create("http://127.0.0.1:" + server.port() + HealthServer.METRICS);
        HttpResponse<String> open =
            http.send(
                HttpRequest.newBuilder(metrics)
                    .header("Accept", "application/openmetrics-text; version=1.0.0")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> text =
            http.send(
                HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(open.headers().firstValue("Content-Type").orElse(""))
            .startsWith("application/openmetrics-text");
        assertThat(open.body())
            .contains("offload_test_latency_seconds_bucket")
            .contains("trace_id=\"" + span.getSpanContext().getTraceId() + "\"")
            .contains("span_id=\"" + span.getSpanContext().getSpanId() + "\"")
            .endsWith("# EOF\n");
        assertThat(text.body())
            .contains("offload_test_latency_seconds_bucket")
            .doesNotContain("trace_id");
      }
    }
  }
}
