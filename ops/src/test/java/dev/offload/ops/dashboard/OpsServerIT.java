package dev.offload.ops.dashboard;

import static dev.offload.ops.dashboard.DashboardFixtures.awaitOk;
import static dev.offload.ops.dashboard.DashboardFixtures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.ops.KafkaFixtures;
import dev.offload.ops.dashboard.DashboardFixtures.DeadLetter;
import dev.offload.ops.lag.LagMonitorConfig;
import dev.offload.ops.lag.LagObjectives;
import dev.offload.runtime.tracing.KafkaSpans;
import dev.offload.runtime.tracing.Tracing;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedInfrastructure.class)
class OpsServerIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  // An objective above the backlog's age keeps the stopped group STOP (LagObjectiveIT covers WARN
  // and ERR).
  private static OpsServerConfigBuilder config(Infrastructure infra, String group) {
    return OpsServerConfig.builder(infra.bootstrapServers())
        .port(0)
        .lag(
            LagMonitorConfig.builder(infra.bootstrapServers())
                .interval(Duration.ofMillis(500))
                .groups(Set.of(group))
                .objectives(LagObjectives.everyGroup(Duration.ofHours(1)))
                .build());
  }

  @Test
  void servesLagDeadLetterHeadersWithoutPayloadsRolesMetricsAndHealth(Infrastructure infra)
      throws Exception {
    KafkaFixtures kafka = new KafkaFixtures(infra.bootstrapServers());
    String topic = TestNames.topic("ops-server");
    String group = TestNames.group("ops-server");
    DashboardFixtures.backlog(kafka, topic, group, 2, 30, Duration.ofMinutes(5));
    String dlq = "offload.dlq." + group;
    kafka.createTopic(dlq, 1);
    Instant failed = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    DashboardFixtures.publishDeadLetters(
        infra.bootstrapServers(),
        dlq,
        List.of(
            new DeadLetter("secret-payload-1", "java.lang.IllegalArgumentException", topic, failed),
            new DeadLetter(
                "secret-payload-2", "dev.example.MailDown", topic, failed.plusSeconds(1))));
    // Another group's dead letters: not this server's business.
    String otherDlq = "offload.dlq." + TestNames.group("ops-server-other");
    kafka.createTopic(otherDlq, 1);
    DashboardFixtures.publishDeadLetters(
        infra.bootstrapServers(),
        otherDlq,
        List.of(new DeadLetter("other", "dev.example.Other", topic, failed.plusSeconds(5))));
    Map<String, BooleanSupplier> roles = new LinkedHashMap<>();
    roles.put("api", () -> true);
    roles.put(
        "worker",
        () -> {
          throw new IllegalStateException("worker unreachable");
        });
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    try (OpsServer ops = OpsServer.start(config(infra, group).build(), registry, roles)) {
      String base = ops.baseUrl();
      assertThat(get(base, "/health/live").statusCode()).isEqualTo(200);
      assertThat(awaitOk(base, "/health/ready")).contains("\"lag-monitor\":\"UP\"");

      JsonNode lag = awaitJson(base, "/api/lag", j -> j.at("/groups/0/lagRecords").asLong() == 60);
      assertThat(lag.at("/groups/0/group").asText()).isEqualTo(group);
      assertThat(lag.at("/groups/0/status").asText()).isEqualTo("STOP");
      assertThat(lag.at("/groups/0/lagSeconds").asDouble()).isBetween(290.0, 400.0);
      assertThat(lag.at("/history/groups/" + group + "/records/0").asLong()).isEqualTo(60);
      assertThat(lag.at("/groups/0/objectiveSeconds").asDouble()).isEqualTo(3600.0);
      JsonNode stuck =
          awaitJson(base, "/api/lag", j -> j.at("/groups/0/timeToDrain").asText().equals("NEVER"));
      assertThat(stuck.at("/groups/0/timeToDrainSeconds").isNull()).isTrue();

      JsonNode dead = awaitJson(base, "/api/dead-letters", j -> j.at("/newest").size() == 2);
      assertThat(dead.at("/topics")).as("only the watched group's topic").hasSize(1);
      assertThat(dead.at("/topics/0/topic").asText()).isEqualTo(dlq);
      assertThat(dead.at("/topics/0/retained").asLong()).isEqualTo(2);
      JsonNode newest = dead.at("/newest/0");
      assertThat(newest.at("/exceptionClass").asText()).isEqualTo("dev.example.MailDown");
      assertThat(newest.at("/originalTopic").asText()).isEqualTo(topic);
      assertThat(newest.at("/failedAt").asText()).isEqualTo(failed.plusSeconds(1).toString());
      assertThat(dead.at("/newest/1/exceptionClass").asText())
          .isEqualTo("java.lang.IllegalArgumentException");
      String everything = get(base, "/api/dashboard").body();
      assertThat(everything).doesNotContain("secret-payload");

      JsonNode roleAnswers = awaitJson(base, "/api/roles", j -> j.size() == 2);
      assertThat(roleAnswers.at("/0/name").asText()).isEqualTo("api");
      assertThat(roleAnswers.at("/0/status").asText()).isEqualTo("UP");
      assertThat(roleAnswers.at("/1/status").asText()).isEqualTo("DOWN");
      assertThat(roleAnswers.at("/1/detail").asText()).contains("worker unreachable");

      HttpResponse<String> metrics = get(base, "/metrics");
      assertThat(metrics.headers().firstValue("content-type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
      assertThat(metrics.body())
          .contains("offload_consumer_lag_records{group=\"" + group + "\"")
          .contains("offload_consumer_lag_drain_seconds{group=\"" + group + "\"} +Inf")
          .contains("offload_consumer_lag_objective_seconds{group=\"" + group + "\"} 3600.0")
          .contains("offload_dlq_records_total{topic=\"" + dlq + "\"} 2.0")
          .contains("offload_topic_records_produced_total{topic=\"" + topic + "\"} 60.0");
    }
  }

  @Test
  void pageAndItsScriptsComeFromThisServerOnly(Infrastructure infra) throws Exception {
    try (OpsServer ops =
        OpsServer.start(
            config(infra, TestNames.group("ops-page")).build(),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            Map.of())) {
      HttpResponse<String> page = get(ops.baseUrl(), "/dashboard");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("content-type")).contains("text/html; charset=utf-8");
      assertThat(page.body())
          .contains("<script src=\"/webjars/uplot/uPlot.iife.min.js\">")
          // Nothing loaded from elsewhere (the first-visit hint's curl example is text, not a
          // load).
          .doesNotContainPattern("(src|href)\\s*=\\s*\"(https?:)?//")
          .doesNotContain("//cdn");
      HttpResponse<String> uplot = get(ops.baseUrl(), "/webjars/uplot/uPlot.iife.min.js");
      assertThat(uplot.statusCode()).isEqualTo(200);
      assertThat(uplot.body()).contains("uPlot");
      assertThat(get(ops.baseUrl(), "/dashboard/dashboard.js").statusCode()).isEqualTo(200);
      assertThat(get(ops.baseUrl(), "/dashboard/../pom.xml").statusCode()).isEqualTo(404);
      assertThat(get(ops.baseUrl(), "/").headers().firstValue("location")).contains("/dashboard");
    }
  }

  /**
   * Production roles send their spans over OTLP/HTTP (OpenTelemetry's own exporter, one of them
   * gzipped as collectors send): the journey of an event is then read across them.
   */
  @Test
  void spansRolesSendOverOtlpMakeTheJourneyOfAnEvent(Infrastructure infra) throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (Tracing kept = Tracing.keepingRecent("offload-ops", 1000);
        OpsServer ops =
            OpsServer.start(
                config(infra, TestNames.group("ops-otlp")).build(), registry, Map.of(), kept)) {
      String base = ops.baseUrl();
      String eventId = "evt-" + TestNames.group("otlp");
      Tracing api =
          Tracing.fromEnvironment(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", base), "offload-api");
      Tracing worker =
          Tracing.fromEnvironment(
              Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", base, "OTEL_EXPORTER_OTLP_COMPRESSION", "gzip"),
              "offload-worker");
      Span request =
          api.tracer("dev.offload.api")
              .spanBuilder("POST /v1/events/{type}")
              .setSpanKind(SpanKind.SERVER)
              .setAttribute(Tracing.EVENT_ID, eventId)
              .startSpan();
      request.end();
      Span attempt =
          worker
              .tracer("dev.offload.worker")
              .spanBuilder("offload-worker-email process")
              .setSpanKind(SpanKind.CONSUMER)
              .setParent(Tracing.parent(Tracing.traceparent(request)))
              .setAttribute(Tracing.EVENT_ID, eventId)
              .setAllAttributes(KafkaSpans.OLDER.record("offload.work.email", 3, 41))
              .startSpan();
      attempt.setStatus(StatusCode.ERROR, "mail server down");
      attempt.addEvent("dead-lettered");
      attempt.end();
      api.close(); // exports what is left, as a role does when it stops
      worker.close();

      JsonNode journey = JSON.readTree(get(base, "/api/journey?event-id=" + eventId).body());
      JsonNode spans = journey.path("spans");
      assertThat(spans).hasSize(2);
      JsonNode first = spans.get(0);
      JsonNode second = spans.get(1);
      assertThat(first.path("name").asText()).isEqualTo("POST /v1/events/{type}");
      assertThat(first.path("service").asText()).isEqualTo("offload-api");
      assertThat(first.path("kind").asText()).isEqualTo("SERVER");
      assertThat(first.path("parentSpanId").isNull()).isTrue();
      assertThat(second.path("service").asText()).isEqualTo("offload-worker");
      assertThat(second.path("traceId").asText()).isEqualTo(request.getSpanContext().getTraceId());
      assertThat(second.path("parentSpanId").asText())
          .isEqualTo(request.getSpanContext().getSpanId());
      assertThat(second.path("error").asBoolean()).isTrue();
      assertThat(second.path("statusMessage").asText()).isEqualTo("mail server down");
      assertThat(second.path("events").get(0).path("name").asText()).isEqualTo("dead-lettered");
      assertThat(second.path("attributes").path("messaging.kafka.message.offset").asLong())
          .isEqualTo(41);
      assertThat(second.path("startNanos").asLong())
          .isGreaterThanOrEqualTo(first.path("startNanos").asLong());
      assertThat(get(base, "/metrics").body()).contains("offload_ops_spans_received_total 2.0");

      HttpResponse<String> json =
          DashboardFixtures.HTTP.send(
              java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/v1/traces"))
                  .header("Content-Type", "application/json")
                  .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(json.statusCode()).isEqualTo(415);
      assertThat(JSON.readTree(json.body()).path("field").asText()).isEqualTo("Content-Type");
      HttpResponse<String> garbage =
          DashboardFixtures.HTTP.send(
              java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/v1/traces"))
                  .header("Content-Type", "application/x-protobuf")
                  .POST(
                      java.net.http.HttpRequest.BodyPublishers.ofByteArray(
                          new byte[] {(byte) 0xff, 1, 2}))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(garbage.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(garbage.body()).path("field").asText()).isEqualTo("body");
    }
  }

  @Test
  void aTakenPortIsNamedInTheError(Infrastructure infra) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    String group = TestNames.group("ops-port");
    try (OpsServer first = OpsServer.start(config(infra, group).build(), registry, Map.of())) {
      OpsServerConfig same = config(infra, group).port(first.port()).build();
      assertThatThrownBy(() -> OpsServer.start(same, registry, Map.of()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(
              "port "
                  + first.port()
                  + " on 127.0.0.1 is already in use; stop what is using it or choose another"
                  + " port");
    }
  }

  private static JsonNode awaitJson(
      String base, String path, java.util.function.Predicate<JsonNode> until) {
    JsonNode[] last = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              last[0] = JSON.readTree(get(base, path).body());
              return until.test(last[0]);
            });
    return last[0];
  }
}
