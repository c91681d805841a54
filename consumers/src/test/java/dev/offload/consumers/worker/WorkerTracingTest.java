package dev.offload.consumers.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.consumers.retry.RetryPolicy;
import dev.offload.consumers.retry.RetryableException;
import dev.offload.consumers.testing.ControlledHandler;
import dev.offload.runtime.tracing.RecentSpans;
import dev.offload.runtime.tracing.RecentSpans.SpanView;
import dev.offload.runtime.tracing.Tracing;
import dev.offload.schemas.OffloadHeaders;
import io.opentelemetry.api.trace.Span;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** The spans a worker records: its queue, each attempt, what became of it. */
class WorkerTracingTest {
  @Test
  void aRetriedThenDeadLetteredRecordShowsBothAttemptsUnderTheSpanOfItsTraceparent() {
    ControlledHandler handler = new ControlledHandler();
    RetryPolicy retry =
        RetryPolicy.defaults()
            .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
            .inPlaceOnly()
            .withMaxAttempts(3);
    try (Tracing tracing = Tracing.keepingRecent("test", 100);
        MockWorker w = new MockWorker(MockWorker.options().withRetry(retry), handler, tracing)) {
      Span request = tracing.tracer("test").spanBuilder("request").startSpan();
      RecordHeaders headers = new RecordHeaders();
      headers.add(OffloadHeaders.EVENT_ID, "evt-1".getBytes(StandardCharsets.UTF_8));
      headers.add(
          OffloadHeaders.TRACEPARENT,
          Tracing.traceparent(request).getBytes(StandardCharsets.UTF_8));
      request.end();
      w.send(new TopicPartition(MockWorker.TOPIC, 0), "A", "A1", headers);
      w.turn();
      handler.fail("A1", new RetryableException("sink busy"));
      w.executor.runAll();
      w.clock.advance(Duration.ofMillis(100));
      w.runDueRetries();
      handler.fail("A1", new IllegalArgumentException("not an address"));
      w.executor.runAll();

      List<SpanView> journey = tracing.recentSpans().map(r -> r.journey("evt-1")).orElseThrow();

      assertThat(journey)
          .extracting(SpanView::name)
          .containsExactly(
              "request",
              MockWorker.GROUP + " queue",
              MockWorker.GROUP + " process",
              MockWorker.GROUP + " process");
      String requestId = journey.get(0).spanId();
      assertThat(journey.subList(1, 4))
          .allSatisfy(s -> assertThat(s.parentSpanId()).isEqualTo(requestId));
      SpanView first = journey.get(2);
      SpanView second = journey.get(3);
      assertThat(first.attributes())
          .containsEntry("offload.attempt", 1L)
          .containsEntry("messaging.destination.name", MockWorker.TOPIC)
          .containsEntry("messaging.kafka.consumer.group", MockWorker.GROUP)
          .containsEntry("messaging.operation", "process");
      assertThat(first.error()).isTrue();
      assertThat(first.events())
          .extracting(RecentSpans.EventView::name)
          .containsExactly("retry in place");
      assertThat(second.attributes()).containsEntry("offload.attempt", 2L);
      assertThat(second.statusMessage()).contains("not an address");
      assertThat(second.events())
          .extracting(RecentSpans.EventView::name)
          .containsExactly("dead-lettered");
    }
  }

  @Test
  void aRecordWithoutTraceparentStartsATraceOfItsOwn() {
    ControlledHandler handler = new ControlledHandler();
    try (Tracing tracing = Tracing.keepingRecent("test", 100);
        MockWorker w = new MockWorker(MockWorker.options(), handler, tracing)) {
      w.send(0, "A", "A1");
      w.turn();
      handler.succeed("A1");
      w.executor.runAll();

      List<SpanView> journey = tracing.recentSpans().map(r -> r.journey("event-1")).orElseThrow();

      assertThat(journey)
          .extracting(SpanView::name)
          .containsExactly(MockWorker.GROUP + " queue", MockWorker.GROUP + " process");
      assertThat(journey.get(1).error()).isFalse();
      assertThat(journey.get(1).events()).isEmpty();
    }
  }
}
