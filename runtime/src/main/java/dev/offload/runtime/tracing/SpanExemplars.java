package dev.offload.runtime.tracing;

import io.opentelemetry.api.trace.Span;
import io.prometheus.metrics.tracer.common.SpanContext;

/**
 * The span current where a histogram records, for Prometheus exemplars: a latency bucket then names
 * the trace and span of one of its samples, and Grafana links the panel to that trace. Give it to
 * the {@code PrometheusMeterRegistry}; a sample recorded outside a span has no exemplar.
 */
public final class SpanExemplars implements SpanContext {
  @Override
  public String getCurrentTraceId() {
    io.opentelemetry.api.trace.SpanContext c = Span.current().getSpanContext();
    return c.isValid() ? c.getTraceId() : null;
  }

  @Override
  public String getCurrentSpanId() {
    io.opentelemetry.api.trace.SpanContext c = Span.current().getSpanContext();
    return c.isValid() ? c.getSpanId() : null;
  }

  @Override
  public boolean isCurrentSpanSampled() {
    return Span.current().getSpanContext().isSampled();
  }

  @Override
  public void markCurrentSpanAsExemplar() {
    Span.current().setAttribute(EXEMPLAR_ATTRIBUTE_NAME, EXEMPLAR_ATTRIBUTE_VALUE);
  }
}
