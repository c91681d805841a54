package dev.offload.runtime.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The spans of a process: OpenTelemetry's SDK when they are kept, its no-op API otherwise.
 *
 * <p>{@link #off()} records nothing and costs next to nothing: roles trace only when told to.
 * {@link #keepingRecent(String, int)} keeps the latest spans in memory ({@link RecentSpans}), which
 * is how {@code offload dev} answers {@code offload trace} and the dashboard's journey page with no
 * tracing backend.
 *
 * <p>Spans are linked across processes by the W3C {@code traceparent} the API writes with each
 * event and every stage copies onto what it produces: {@link #parent(String)} reads it, {@link
 * #traceparent(Span)} writes it.
 */
public final class Tracing implements AutoCloseable {
  /** The attribute naming the Offload event a span worked on. */
  public static final AttributeKey<String> EVENT_ID = AttributeKey.stringKey("offload.event.id");

  /** The attribute naming the Offload events a span worked on, when several (a batch). */
  public static final AttributeKey<List<String>> EVENT_IDS =
      AttributeKey.stringArrayKey("offload.event.ids");

  private static final Tracing OFF = new Tracing(TracerProvider.noop(), null, null);

  /** The tracer the spans of sinks are recorded by, carried in the context of an attempt. */
  private static final ContextKey<Tracer> TRACER = ContextKey.named("offload-sink-tracer");

  /** The W3C header the propagator reads first: {@code traceparent}. */
  private static final String FIELD =
      W3CTraceContextPropagator.getInstance().fields().iterator().next();

  /** A carrier that is the {@code traceparent} value itself. */
  private static final TextMapGetter<String> TRACEPARENT =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
          return List.of(FIELD);
        }

        @Override
        public String get(String carrier, String key) {
          return FIELD.equals(key) ? carrier : null;
        }
      };

  private final TracerProvider tracers;
  private final SdkTracerProvider provider;
  private final RecentSpans recent;

  private Tracing(TracerProvider tracers, SdkTracerProvider provider, RecentSpans recent) {
    this.tracers = tracers;
    this.provider = provider;
    this.recent = recent;
  }

  /** No spans: every tracer is OpenTelemetry's no-op one. */
  public static Tracing off() {
    return OFF;
  }

  /**
   * Every span recorded and the latest {@code capacity} kept in memory.
   *
   * @param service the {@code service.name} of the spans, e.g. {@code offload-dev}
   */
  public static Tracing keepingRecent(String service, int capacity) {
    RecentSpans recent = new RecentSpans(capacity);
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(AttributeKey.stringKey("service.name"), service))))
            .addSpanProcessor(recent)
            .build();
    return new Tracing(provider, provider, recent);
  }

  /**
   * The spans of a production role: sent to the OTLP collector the standard OpenTelemetry variables
   * name ({@code OTEL_EXPORTER_OTLP_ENDPOINT} or {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}, with
   * {@code OTEL_EXPORTER_OTLP_HEADERS}, {@code OTEL_TRACES_SAMPLER} and the rest as OpenTelemetry
   * documents them; the protocol is OTLP/HTTP with protobuf), none when neither endpoint is set or
   * {@code OTEL_TRACES_EXPORTER} is {@code none}.
   *
   * @param env the process's environment, of which the {@code OTEL_*} variables are read
   * @param service the {@code service.name} unless {@code OTEL_SERVICE_NAME} gives one, e.g. {@code
   *     offload-api}
   */
  public static Tracing fromEnvironment(Map<String, String> env, String service) {
    boolean endpoint =
        env.containsKey("OTEL_EXPORTER_OTLP_ENDPOINT")
            || env.containsKey("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    if (!endpoint || "none".equals(env.get("OTEL_TRACES_EXPORTER"))) {
      return off();
    }
    Map<String, String> properties = new HashMap<>();
    properties.put("otel.service.name", service);
    properties.put("otel.traces.exporter", "otlp");
    // OTLP over HTTP: the JDK's client carries it; gRPC would need OkHttp or grpc-java.
    properties.put("otel.exporter.otlp.protocol", "http/protobuf");
    properties.put("otel.metrics.exporter", "none");
    properties.put("otel.logs.exporter", "none");
    env.forEach(
        (name, value) -> {
          if (name.startsWith("OTEL_")) {
            properties.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value);
          }
        });
    SdkTracerProvider provider =
        AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(() -> properties)
            .disableShutdownHook()
            .build()
            .getOpenTelemetrySdk()
            .getSdkTracerProvider();
    return new Tracing(provider, provider, null);
  }

  /**
   * Whether {@code tracer} records spans: false for the no-op tracer of {@link #off()}, so that a
   * hot path skips reading {@code traceparent} headers for spans that go nowhere.
   */
  public static boolean records(Tracer tracer) {
    return tracer != TracerProvider.noop().get(Tracing.class.getName());
  }

  /** The tracer of one part of Offload, e.g. {@code dev.offload.api}. */
  public Tracer tracer(String scope) {
    return tracers.get(scope);
  }

  /** Whether spans are recorded. */
  public boolean enabled() {
    return provider != null;
  }

  /** The spans kept in memory, when this process keeps them. */
  public Optional<RecentSpans> recentSpans() {
    return Optional.ofNullable(recent);
  }

  /**
   * The context whose span is the one a {@code traceparent} value names: the parent of the spans of
   * the record or request that carried it. The root context when the value is missing or invalid.
   */
  public static Context parent(String traceparent) {
    if (traceparent == null || traceparent.isEmpty()) {
      return Context.root();
    }
    return W3CTraceContextPropagator.getInstance()
        .extract(Context.root(), traceparent, TRACEPARENT);
  }

  /** The {@code traceparent} value naming {@code span} as the parent of what follows it. */
  public static String traceparent(Span span) {
    SpanContext c = span.getSpanContext();
    return "00-" + c.getTraceId() + "-" + c.getSpanId() + "-" + c.getTraceFlags().asHex();
  }

  /**
   * {@code context} with {@code span} current and {@code tracer} carried along, so that the calls
   * to sinks made under it ({@link #sink}) record their spans as children of {@code span}.
   */
  public static Context withSpan(Context context, Span span, Tracer tracer) {
    return context.with(span).with(TRACER, tracer);
  }

  /** Work done against a sink: an SMTP send, an index commit, a database transaction. */
  @FunctionalInterface
  public interface SinkCall<T> {
    /** Does the work. */
    T call() throws Exception;
  }

  /**
   * Runs {@code call} in a CLIENT span named {@code name}, a child of the current span, naming the
   * events it works for; marked an error when it throws. Without a current span carried by {@link
   * #withSpan} (spans off, or a call outside a worker's attempt) it just runs {@code call}.
   */
  public static <T> T sink(String name, List<String> eventIds, SinkCall<T> call) throws Exception {
    Context current = Context.current();
    Tracer tracer = current.get(TRACER);
    if (tracer == null || !Span.fromContext(current).getSpanContext().isValid()) {
      return call.call();
    }
    SpanBuilder builder = tracer.spanBuilder(name).setSpanKind(SpanKind.CLIENT).setParent(current);
    if (eventIds.size() == 1) {
      builder.setAttribute(EVENT_ID, eventIds.get(0));
    } else {
      builder.setAttribute(EVENT_IDS, List.copyOf(eventIds));
    }
    Span span = builder.startSpan();
    try (Scope ignored = span.makeCurrent()) {
      return call.call();
    } catch (Exception | Error e) {
      span.setStatus(StatusCode.ERROR, String.valueOf(e));
      throw e;
    } finally {
      span.end();
    }
  }

  /** Ends the recording, waiting up to 5 s for what is being exported. */
  @Override
  public void close() {
    if (provider != null) {
      provider.shutdown().join(5, TimeUnit.SECONDS);
    }
  }
}
