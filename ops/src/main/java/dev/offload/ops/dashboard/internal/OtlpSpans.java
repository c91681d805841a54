package dev.offload.ops.dashboard.internal;

import com.google.protobuf.ByteString;
import dev.offload.runtime.tracing.RecentSpans.EventView;
import dev.offload.runtime.tracing.RecentSpans.SpanView;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The spans of an OTLP/HTTP export ({@code POST /v1/traces}, protobuf), as the journey keeps them.
 * The messages are OpenTelemetry's own ({@code opentelemetry-proto}); only the mapping onto {@link
 * SpanView} is written here, as no library maps OTLP onto anything but a collector's pipeline.
 */
final class OtlpSpans {
  private static final HexFormat HEX = HexFormat.of();

  private OtlpSpans() {}

  /**
   * The spans of {@code body}, an {@code ExportTraceServiceRequest}, gzipped when {@code encoding}
   * says so (collectors gzip what they export over OTLP/HTTP by default).
   */
  static List<SpanView> read(byte[] body, String encoding) throws IOException {
    ExportTraceServiceRequest request =
        "gzip".equalsIgnoreCase(encoding)
            ? ExportTraceServiceRequest.parseFrom(
                new GZIPInputStream(new ByteArrayInputStream(body)))
            : ExportTraceServiceRequest.parseFrom(body);
    List<SpanView> views = new ArrayList<>();
    for (ResourceSpans resource : request.getResourceSpansList()) {
      Object service = values(resource.getResource().getAttributesList()).get("service.name");
      for (ScopeSpans scope : resource.getScopeSpansList()) {
        for (Span span : scope.getSpansList()) {
          views.add(view(span, service == null ? null : service.toString()));
        }
      }
    }
    return views;
  }

  private static SpanView view(Span span, String service) {
    List<EventView> events = new ArrayList<>();
    for (Span.Event event : span.getEventsList()) {
      events.add(
          new EventView(
              event.getName(), event.getTimeUnixNano(), values(event.getAttributesList())));
    }
    String kind = span.getKind().name().replace("SPAN_KIND_", "");
    return new SpanView(
        hex(span.getTraceId()),
        hex(span.getSpanId()),
        span.getParentSpanId().isEmpty() ? null : hex(span.getParentSpanId()),
        span.getName(),
        kind.equals("UNSPECIFIED") ? "INTERNAL" : kind,
        span.getStartTimeUnixNano(),
        span.getEndTimeUnixNano(),
        span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR,
        span.getStatus().getMessage(),
        values(span.getAttributesList()),
        List.copyOf(events),
        service);
  }

  private static String hex(ByteString id) {
    return HEX.formatHex(id.toByteArray());
  }

  private static Map<String, Object> values(List<KeyValue> attributes) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (KeyValue kv : attributes) {
      values.put(kv.getKey(), value(kv.getValue()));
    }
    return values;
  }

  private static Object value(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> v.getBoolValue();
      case INT_VALUE -> v.getIntValue();
      case DOUBLE_VALUE -> v.getDoubleValue();
      case ARRAY_VALUE -> {
        List<Object> list = new ArrayList<>();
        for (AnyValue item : v.getArrayValue().getValuesList()) {
          list.add(value(item));
        }
        yield List.copyOf(list);
      }
      case BYTES_VALUE -> HEX.formatHex(v.getBytesValue().toByteArray());
      default -> v.toString();
    };
  }
}
