package dev.offload.streams.router;

import dev.offload.runtime.tracing.KafkaSpans;
import dev.offload.runtime.tracing.Tracing;
import dev.offload.schemas.HeaderValues;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.streams.TopologyContext;
import dev.offload.streams.TopologyDefinition;
import dev.offload.streams.internal.DropCounter;
import dev.offload.streams.internal.EventDeduplicator;
import dev.offload.streams.internal.EventEnvelope;
import dev.offload.streams.internal.Routed;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The {@code router} flow: reads {@code offload.events.*}, drops duplicate event ids within the
 * retention window, and sends each event to the work topics its type is routed to, keeping key,
 * value bytes and headers. Records without an event id or type are dead-lettered.
 */
public final class RouterTopology implements TopologyDefinition {
  /** Name it is deployed by. */
  public static final String NAME = "router";

  /** The deduplication store (event id to first-seen time). */
  public static final String DEDUP_STORE = "router-seen-event-ids";

  /** Scope of the router's own metrics ({@code stream-offload-router-metrics}). */
  public static final String METRIC_SCOPE = "offload-router";

  /** The attribute of the routing's span naming the work topics the event was sent to. */
  public static final AttributeKey<List<String>> ROUTED_TO =
      AttributeKey.stringArrayKey("offload.routed.to");

  /** Metric operation counting dropped events of unrouted types. */
  public static final String UNKNOWN_TYPE_DROPPED = "unknown-type-dropped";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Deduplicates offload.events.* by event id and routes each type to offload.work.<handler>"
        + " topics by a routing table.";
  }

  @Override
  public Topology build(TopologyContext context) {
    return build(
        context.bind(RouterConfig.defaults()), context.tracing().tracer("dev.offload.router"));
  }

  /** Builds the router for {@code config}. */
  public static Topology build(RouterConfig config) {
    return build(config, Tracing.off().tracer("dev.offload.router"));
  }

  /**
   * Builds the router for {@code config}, recording in {@code tracer} a span of each event's
   * routing, whose {@code traceparent} the routed copies then carry.
   */
  public static Topology build(RouterConfig config, Tracer tracer) {
    StreamsBuilder builder = new StreamsBuilder();
    KStream<byte[], byte[]> events =
        builder.stream(
            config.inputPattern(),
            Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("events"));
    if (!config.dedupRetention().isZero()) {
      builder.addStateStore(EventDeduplicator.storeBuilder(DEDUP_STORE, config.dedupRetention()));
      events =
          events.processValues(
              () -> new EventDeduplicator<>(DEDUP_STORE, METRIC_SCOPE, config.dedupRetention()),
              Named.as("drop-duplicates"),
              DEDUP_STORE);
    }
    events
        .processValues(() -> new RouteByType(config, tracer), Named.as("route-by-type"))
        .to(
            (key, routed, recordContext) -> routed.topic(),
            Produced.with(Serdes.ByteArray(), Routed.SERDE).withName("work-topics"));
    return builder.build();
  }

  /** Forwards one copy of the record per destination topic of its type. */
  private static final class RouteByType implements FixedKeyProcessor<byte[], byte[], Routed> {
    private final RouterConfig config;
    private final Tracer tracer;
    private final Map<String, List<String>> destinations = new HashMap<>();
    private FixedKeyProcessorContext<byte[], Routed> context;
    private DropCounter unknown;

    RouteByType(RouterConfig config, Tracer tracer) {
      this.config = config;
      this.tracer = tracer;
      config.routes().keySet().forEach(type -> destinations.put(type, config.destinations(type)));
    }

    @Override
    public void init(FixedKeyProcessorContext<byte[], Routed> context) {
      this.context = context;
      this.unknown = DropCounter.register(context, METRIC_SCOPE, UNKNOWN_TYPE_DROPPED);
    }

    @Override
    public void process(FixedKeyRecord<byte[], byte[]> record) {
      Span span = startSpan(record);
      try {
        route(record, span);
      } finally {
        span.end();
      }
    }

    /**
     * A span of the routing, a child of the span the record's {@code traceparent} names; the routed
     * copies carry the routing's own {@code traceparent} instead.
     */
    private Span startSpan(FixedKeyRecord<byte[], byte[]> record) {
      if (!Tracing.records(tracer)) {
        return Span.getInvalid();
      }
      Headers headers = record.headers();
      Header parent = headers.lastHeader(OffloadHeaders.TRACEPARENT);
      String eventId = HeaderValues.eventId(headers);
      Span span =
          tracer
              .spanBuilder("router route")
              .setSpanKind(SpanKind.CONSUMER)
              .setParent(
                  Tracing.parent(
                      parent == null ? null : new String(parent.value(), StandardCharsets.UTF_8)))
              .setAttribute(Tracing.EVENT_ID, eventId == null ? "" : eventId)
              .setAllAttributes(KafkaSpans.CURRENT.process(null))
              .setAllAttributes(source())
              .startSpan();
      if (span.getSpanContext().isValid()) {
        headers.remove(OffloadHeaders.TRACEPARENT);
        headers.add(
            OffloadHeaders.TRACEPARENT, Tracing.traceparent(span).getBytes(StandardCharsets.UTF_8));
      }
      return span;
    }

    /** Where the record was read: topic, partition and offset. */
    private Attributes source() {
      return context
          .recordMetadata()
          .map(m -> KafkaSpans.CURRENT.record(m.topic(), m.partition(), m.offset()))
          .orElse(Attributes.empty());
    }

    private void route(FixedKeyRecord<byte[], byte[]> record, Span span) {
      String topic = context.recordMetadata().map(RecordMetadata::topic).orElse(null);
      String type = EventEnvelope.requireEventType(record.headers(), topic);
      List<String> targets = destinations.get(type);
      if (targets == null) {
        if (config.unknownTypes() == UnknownTypes.CATCH_ALL) {
          span.setAttribute(ROUTED_TO, List.of(config.catchAllTopic()));
          context.forward(record.withValue(new Routed(config.catchAllTopic(), record.value())));
        } else {
          unknown.record();
        }
        return;
      }
      span.setAttribute(ROUTED_TO, targets);
      for (String target : targets) {
        context.forward(record.withValue(new Routed(target, record.value())));
      }
    }

    @Override
    public void close() {
      if (unknown != null) {
        unknown.remove();
      }
    }
  }
}
