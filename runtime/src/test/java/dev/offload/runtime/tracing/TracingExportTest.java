package dev.offload.runtime.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A role's spans go to the OTLP endpoint its environment names, over OTLP/HTTP (protobuf), and
 * nowhere without one. The receiver here is a plain HTTP server that keeps what is posted to it.
 */
class TracingExportTest {
  @Test
  void spansGoToTheEndpointTheEnvironmentNames() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          received.add(
              exchange.getRequestMethod()
                  + " "
                  + exchange.getRequestURI().getPath()
                  + " "
                  + exchange.getRequestHeaders().getFirst("Content-Type")
                  + " "
                  + new String(body, StandardCharsets.ISO_8859_1));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    collector.start();
    try {
      String endpoint = "http://127.0.0.1:" + collector.getAddress().getPort();
      try (Tracing tracing =
          Tracing.fromEnvironment(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint), "offload-api")) {
        assertThat(tracing.enabled()).isTrue();
        assertThat(tracing.recentSpans()).isEmpty();
        tracing
            .tracer("test")
            .spanBuilder("POST /v1/events/{type}")
            .setAttribute(Tracing.EVENT_ID, "evt-42")
            .startSpan()
            .end();
      } // closing flushes the batch
      assertThat(received)
          .singleElement()
          .satisfies(
              r ->
                  assertThat(r)
                      .startsWith("POST /v1/traces application/x-protobuf ")
                      .contains("POST /v1/events/{type}")
                      .contains("evt-42")
                      .contains("offload-api"));
    } finally {
      collector.stop(0);
    }
  }

  @Test
  void withoutAnEndpointNothingIsRecorded() {
    assertThat(Tracing.fromEnvironment(Map.of(), "offload-api").enabled()).isFalse();
    assertThat(
            Tracing.fromEnvironment(
                    Map.of(
                        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318",
                        "OTEL_TRACES_EXPORTER", "none"),
                    "offload-api")
                .enabled())
        .isFalse();
  }
}
