package dev.offload.producers.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.offload.producers.ApiConfig;
import dev.offload.runtime.breaker.CircuitBreaker;
import dev.offload.schemas.registry.InMemorySchemaRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hand-written OpenAPI document describes exactly the routes the router serves: every route
 * (path and method) is documented, and every documented operation is routed.
 */
class OpenApiDocumentTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedOperationIsRouted() throws Exception {
    TreeSet<String> routed = new TreeSet<>();
    for (Route route : router().getRoutes()) {
      String template = ApiRouter.templateOf(route);
      if (template == null || route.methods() == null) {
        continue; // the handler every request passes (timing, timeout)
      }
      for (HttpMethod method : route.methods()) {
        routed.add(method.name() + " " + template.replaceAll("/:([A-Za-z]+)", "/{$1}"));
      }
    }

    assertThat(documented()).isEqualTo(routed);
  }

  @Test
  void everyErrorCodeTheApiAnswersIsListed() throws Exception {
    JsonNode codes = document().at("/components/schemas/Error/properties/error/enum");
    TreeSet<String> listed = new TreeSet<>();
    codes.forEach(c -> listed.add(c.asText()));

    assertThat(listed)
        .contains(
            ApiError.missingApiKey().code(),
            ApiError.revokedApiKey().code(),
            ApiError.invalidApiKey("x").code(),
            ApiError.forbiddenEventType("a", "t").code(),
            ApiError.rateLimited("a", 1).code(),
            ApiError.tooManyEvents(1, 2).code(),
            ApiError.invalidBatch("x").code(),
            ApiError.limitExceeded("l", 1, "x").code(),
            ApiError.invalidEncoding(0).code(),
            ApiError.incompleteBody(1).code(),
            ApiError.timeout(1).code(),
            ApiError.invalidIdempotencyKey("x").code(),
            ApiError.idempotencyKeyReused().code(),
            ApiError.databaseUnavailable().code(),
            ApiError.payloadTooLarge(1).code(),
            ApiError.internal().code());
  }

  private TreeSet<String> documented() throws Exception {
    TreeSet<String> operations = new TreeSet<>();
    JsonNode paths = document().get("paths");
    for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> path = it.next();
      for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
        String method = methods.next();
        if (!method.equals("parameters")) {
          operations.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
        }
      }
    }
    return operations;
  }

  private static JsonNode document() throws Exception {
    try (InputStream in =
        OpenApiDocumentTest.class
            .getClassLoader()
            .getResourceAsStream(DocsHandler.OPENAPI_RESOURCE)) {
      assertThat(in).as("openapi.yaml on the classpath").isNotNull();
      JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(in);
      assertThat(doc.get("openapi").asText()).startsWith("3.");
      return doc;
    }
  }

  private Router router() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ApiMetrics metrics = new ApiMetrics(registry);
    ApiConfig config = ApiConfig.LOADER.defaults(Map.of());
    // The pool connects lazily: building the router touches no database.
    OutboxStore store = OutboxStore.open(vertx, config, metrics);
    EventSchemas schemas =
        EventSchemas.create(
            vertx, new InMemorySchemaRegistry(), Clock.systemUTC(), Duration.ofSeconds(5));
    return ApiRouter.create(
        vertx,
        metrics,
        new ApiRouter.Parts(
            store,
            registry,
            Map.of(),
            config,
            Clock.systemUTC(),
            schemas,
            CircuitBreaker.withDefaults("database"),
            CaptureGate.notRequired(),
            dev.offload.runtime.tracing.Tracing.off()));
  }
}
