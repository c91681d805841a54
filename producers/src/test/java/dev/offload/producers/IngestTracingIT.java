package dev.offload.producers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.runtime.tracing.RecentSpans;
import dev.offload.runtime.tracing.RecentSpans.SpanView;
import dev.offload.runtime.tracing.Tracing;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The API's spans: the request, a child of the caller's, and its outbox write. */
@ExtendWith(SharedInfrastructure.class)
class IngestTracingIT {
  private static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CALLER_SPAN = "00f067aa0ba902b7";
  private static final String TRACEPARENT = "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01";

  private static Tracing tracing;
  private static IngestApi api;
  private static ApiClient client;

  @BeforeAll
  static void startApi(Infrastructure infra) {
    String database = TestNames.database("tracing");
    infra.createDatabase(database);
    tracing = Tracing.keepingRecent("test", 1000);
    api =
        IngestApi.start(
            IngestApiIT.configFor(infra, database),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            Map.of(),
            null,
            tracing);
    client = new ApiClient(api);
  }

  @AfterAll
  static void stopApi() {
    if (api != null) {
      api.close();
    }
    tracing.close();
  }

  @Test
  void anEventsRequestIsAChildOfTheCallersSpanAndWritesItsOwnTraceparent() throws Exception {
    HttpResponse<String> response =
        client.postJson(
            "/v1/events/user-signed-up",
            "{\"key\":\"user-1\",\"data\":{\"plan\":\"pro\"}}",
            "traceparent",
            TRACEPARENT);
    assertThat(response.statusCode()).isEqualTo(202);
    String eventId = new JsonObject(response.body()).getString("eventId");
    String written = response.headers().firstValue("traceparent").orElseThrow();

    List<SpanView> journey = journey(eventId);

    assertThat(journey)
        .extracting(SpanView::name)
        .containsExactly("POST /v1/events/{type}", "outbox write");
    SpanView request = journey.get(0);
    assertThat(request.traceId()).isEqualTo(CALLER_TRACE);
    assertThat(request.parentSpanId()).isEqualTo(CALLER_SPAN);
    assertThat(request.kind()).isEqualTo("SERVER");
    assertThat(request.attributes())
        .containsEntry("offload.event.id", eventId)
        .containsEntry("http.response.status_code", 202L)
        .containsKey("offload.producer");
    assertThat(journey.get(1).parentSpanId()).isEqualTo(request.spanId());
    assertThat(written)
        .as("the traceparent written with the event names the request's span")
        .isEqualTo("00-" + CALLER_TRACE + "-" + request.spanId() + "-01");
  }

  @Test
  void eachEventOfABatchHasTheBatchRequestInItsJourney() throws Exception {
    HttpResponse<String> response =
        client.postJson(
            "/v1/events:batch",
            "{\"events\":[{\"type\":\"a-happened\",\"key\":\"k1\",\"data\":{\"n\":1}},"
                + "{\"type\":\"b-happened\",\"key\":\"k2\",\"data\":{\"n\":2}}]}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    List<Object> ids = new JsonObject(response.body()).getJsonArray("eventIds").getList();

    for (Object id : ids) {
      List<SpanView> journey = journey(id.toString());
      assertThat(journey)
          .extracting(SpanView::name)
          .containsExactly("POST /v1/events:batch", "outbox write");
      assertThat(journey.get(0).parentSpanId()).as("no caller span: a trace of its own").isNull();
    }
  }

  private static List<SpanView> journey(String eventId) {
    RecentSpans spans = tracing.recentSpans().orElseThrow();
    // The request's span ends as its answer is written, a moment after the client has it.
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(() -> spans.journey(eventId).size() == 2);
    return spans.journey(eventId);
  }
}
