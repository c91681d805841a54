package dev.offload.runtime.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentSpansTest {
  @Test
  void aTraceparentLinksTheSpansOfTwoStagesAndTheJourneyOfAnEventKeepsItsOwn() {
    try (Tracing tracing = Tracing.keepingRecent("test", 100)) {
      Tracer tracer = tracing.tracer("test");
      Span request =
          tracer
              .spanBuilder("request")
              .setAttribute(Tracing.EVENT_IDS, List.of("a", "b"))
              .startSpan();
      String traceparent = Tracing.traceparent(request);
      request.end();
      // another process, reading the header of the record
      for (String id : List.of("a", "b")) {
        tracer
            .spanBuilder("handle")
            .setParent(Tracing.parent(traceparent))
            .setAttribute(Tracing.EVENT_ID, id)
            .startSpan()
            .end();
      }
      RecentSpans recent = tracing.recentSpans().orElseThrow();

      List<RecentSpans.SpanView> journey = recent.journey("a");

      assertThat(journey)
          .extracting(RecentSpans.SpanView::name)
          .containsExactly("request", "handle");
      assertThat(journey.get(1).parentSpanId()).isEqualTo(journey.get(0).spanId());
      assertThat(journey.get(1).attributes()).containsEntry("offload.event.id", "a");
      assertThat(recent.journey("unknown")).isEmpty();
      assertThat(recent.slowest(5))
          .singleElement()
          .satisfies(t -> assertThat(t.eventIds()).containsExactly("a", "b"));
    }
  }

  /**
   * A sink call made for a batch (one commit for several events) is a child of the first event's
   * attempt, names every event, and shows in the journey of each; with no attempt's span carried
   * (spans off, or outside a worker) the call just runs.
   */
  @Test
  void aSinkCallIsAChildOfTheAttemptAndShowsInTheJourneyOfEveryEventOfItsBatch() throws Exception {
    try (Tracing tracing = Tracing.keepingRecent("test", 100)) {
      Tracer tracer = tracing.tracer("test");
      Span first = tracer.spanBuilder("attempt a").setAttribute(Tracing.EVENT_ID, "a").startSpan();
      Span second = tracer.spanBuilder("attempt b").setAttribute(Tracing.EVENT_ID, "b").startSpan();
      String result;
      try (Scope ignored = Tracing.withSpan(Context.current(), first, tracer).makeCurrent()) {
        result = Tracing.sink("index commit", List.of("a", "b"), () -> "committed");
        assertThatThrownBy(
                () ->
                    Tracing.sink(
                        "smtp send",
                        List.of("a"),
                        () -> {
                          throw new java.io.IOException("connection refused");
                        }))
            .hasMessage("connection refused");
      }
      first.end();
      second.end();
      assertThat(result).isEqualTo("committed");
      RecentSpans recent = tracing.recentSpans().orElseThrow();

      List<RecentSpans.SpanView> a = recent.journey("a");
      assertThat(a)
          .extracting(RecentSpans.SpanView::name)
          .containsExactly("attempt a", "index commit", "smtp send");
      assertThat(a.get(1).parentSpanId()).isEqualTo(a.get(0).spanId());
      assertThat(a.get(1).kind()).isEqualTo("CLIENT");
      assertThat(a.get(2).error()).isTrue();
      assertThat(a.get(2).statusMessage()).contains("connection refused");
      assertThat(recent.journey("b"))
          .as("b's own trace, and the commit of the batch it was in")
          .extracting(RecentSpans.SpanView::name)
          .containsExactly("attempt b", "index commit");
      assertThat(Tracing.sink("outside", List.of("c"), () -> 7)).isEqualTo(7);
      assertThat(recent.journey("c")).isEmpty();
    }
  }

  @Test
  void theOldestSpansGoFirstWhenTheStoreIsFull() {
    try (Tracing tracing = Tracing.keepingRecent("test", 2)) {
      Tracer tracer = tracing.tracer("test");
      for (String id : List.of("1", "2", "3")) {
        tracer.spanBuilder("s" + id).setAttribute(Tracing.EVENT_ID, id).startSpan().end();
      }
      RecentSpans recent = tracing.recentSpans().orElseThrow();

      assertThat(recent.journey("1")).isEmpty();
      assertThat(recent.journey("3")).extracting(RecentSpans.SpanView::name).containsExactly("s3");
    }
  }

  @Test
  void offRecordsNothingAndAnInvalidTraceparentStartsATrace() {
    Tracing off = Tracing.off();
    Span span = off.tracer("test").spanBuilder("x").startSpan();
    assertThat(off.enabled()).isFalse();
    assertThat(Tracing.records(off.tracer("test"))).as("hot paths skip the off tracer").isFalse();
    try (Tracing kept = Tracing.keepingRecent("test", 1)) {
      assertThat(Tracing.records(kept.tracer("test"))).isTrue();
    }
    assertThat(span.getSpanContext().isValid()).isFalse();
    assertThat(off.recentSpans()).isEmpty();
    assertThat(
            io.opentelemetry.api.trace.Span.fromContext(Tracing.parent("garbage"))
                .getSpanContext()
                .isValid())
        .isFalse();
  }
}
