package dev.offload.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.offload.consumers.retry.RetryPolicy;
import dev.offload.consumers.retry.RetryableException;
import dev.offload.consumers.worker.HandlerBinding;
import dev.offload.consumers.worker.Worker;
import dev.offload.consumers.worker.WorkerMetricNames;
import dev.offload.consumers.worker.WorkerOptions;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.ops.dashboard.OpsServer;
import dev.offload.ops.dashboard.OpsServerConfig;
import dev.offload.ops.lag.LagMonitorConfig;
import dev.offload.runtime.tracing.Tracing;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * {@code offload trace} of an event a real worker retried, then dead-lettered: both attempts, what
 * became of each, and the sink call of each, read from the spans the dashboard's server keeps.
 */
@ExtendWith(SharedInfrastructure.class)
class TraceCommandIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aRetriedThenDeadLetteredEventShowsBothAttemptsAndItsDeadLetter(Infrastructure infra)
      throws Exception {
    String bootstrap = infra.bootstrapServers();
    String group = TestNames.group("trace");
    String topic = Topics.events(TestNames.eventType(group));
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    AtomicInteger calls = new AtomicInteger();
    HandlerBinding<String> binding =
        HandlerBinding.blocking(
            "mail",
            new StringDeserializer(),
            event ->
                Tracing.sink(
                    "smtp send",
                    List.of(event.headers().eventId()),
                    () -> {
                      if (calls.incrementAndGet() == 1) {
                        throw new RetryableException("421 try again later");
                      }
                      throw new IllegalArgumentException("invalid recipient address");
                    }),
            1);
    WorkerOptions options =
        WorkerOptions.defaults(bootstrap, group, List.of(topic))
            .withRetry(
                RetryPolicy.defaults()
                    .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                    .inPlaceOnly()
                    .withMaxAttempts(3));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (Tracing tracing = Tracing.keepingRecent("offload-dev", 1000);
        OpsServer ops =
            OpsServer.start(
                OpsServerConfig.builder(bootstrap)
                    .port(0)
                    .lag(
                        LagMonitorConfig.builder(bootstrap).groups(java.util.Set.of(group)).build())
                    .build(),
                registry,
                Map.of(),
                tracing);
        Worker worker =
            Worker.builder(options, binding).meterRegistry(registry).tracing(tracing).start()) {
      String eventId = "evt-" + group;
      Span request =
          tracing
              .tracer("test")
              .spanBuilder("POST /v1/events/{type}")
              .setSpanKind(SpanKind.SERVER)
              .setAttribute(Tracing.EVENT_ID, eventId)
              .startSpan();
      request.end();
      try (var producer =
          new KafkaProducer<>(
              Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
              new ByteArraySerializer(),
              new ByteArraySerializer())) {
        var record = new ProducerRecord<>(topic, 0, bytes("user-1"), bytes("ada"));
        record.headers().add(OffloadHeaders.EVENT_ID, bytes(eventId));
        record.headers().add(OffloadHeaders.EVENT_TYPE, bytes("test-event"));
        record.headers().add(OffloadHeaders.TRACEPARENT, bytes(Tracing.traceparent(request)));
        producer.send(record).get();
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  registry.find(WorkerMetricNames.DEAD_LETTERED).counters().stream()
                          .mapToDouble(Counter::count)
                          .sum()
                      == 1);

      String timeline = trace(eventId, ops.baseUrl());
      System.out.println("offload trace " + eventId + ":\n" + timeline);

      assertThat(timeline)
          .containsSubsequence(
              "POST /v1/events/{type}",
              group + " queue",
              // each attempt, then what became of it, then its call to the sink
              group + " process  " + topic + "[0]@0  attempt 1  FAILED",
              "! retry in place",
              "smtp send  FAILED: dev.offload.consumers.retry.RetryableException: 421 try again",
              group + " process  " + topic + "[0]@0  attempt 2  FAILED",
              "IllegalArgumentException: invalid recipient address",
              "! dead-lettered (offload.reason=FATAL)",
              "smtp send  FAILED");
      JsonNode spans = JSON.readTree(trace(eventId, ops.baseUrl(), "--json")).path("spans");
      assertThat(spans).hasSize(6);
      String requestId = request.getSpanContext().getSpanId();
      assertThat(spans.get(1).path("parentSpanId").asText())
          .as("the queue's parent: the request")
          .isEqualTo(requestId);
      assertThat(spans.get(5).path("parentSpanId").asText())
          .as("the second send's parent: the second attempt")
          .isEqualTo(spans.get(4).path("spanId").asText());
    }
  }

  private static String trace(String eventId, String opsUrl, String... more) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> args = new java.util.ArrayList<>(List.of("trace", eventId, "--ops-url", opsUrl));
    args.addAll(List.of(more));
    int exit =
        new CommandLine(new Offload())
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(args.toArray(String[]::new));
    assertThat(exit).as("offload trace: %s", err).isZero();
    return out.toString();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
