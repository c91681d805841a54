package dev.offload.runtime.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The latest spans, in memory, found by the event they worked on: what {@code offload trace} and
 * the dashboard's journey page read. In {@code offload dev} they are this process's own spans (a
 * {@link SpanProcessor}); the ops server also keeps those production roles send it over OTLP
 * ({@link #keep(SpanView)}). Bounded: the oldest span goes when a new one would exceed the
 * capacity.
 */
public final class RecentSpans implements SpanProcessor {
  private static final AttributeKey<String> SERVICE = AttributeKey.stringKey("service.name");

  private final int capacity;
  private final ArrayDeque<SpanView> spans = new ArrayDeque<>();
  private final Map<String, String> traceOfEvent = new LinkedHashMap<>();

  /** A store of at most {@code capacity} spans. */
  public RecentSpans(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.capacity = capacity;
  }

  /**
   * One span as the journey shows it: times in epoch nanoseconds, {@code parentSpanId} null for a
   * root, {@code service} the {@code service.name} of the process that recorded it.
   */
  public record SpanView(
      String traceId,
      String spanId,
      String parentSpanId,
      String name,
      String kind,
      long startNanos,
      long endNanos,
      boolean error,
      String statusMessage,
      Map<String, Object> attributes,
      List<EventView> events,
      String service) {
    /** How long it took, in nanoseconds. */
    public long durationNanos() {
      return endNanos - startNanos;
    }
  }

  /** A point in a span: a retry scheduled, a dead letter written. */
  public record EventView(String name, long timeNanos, Map<String, Object> attributes) {}

  /** A trace of the store, summed up: the events it carried and its first and last times. */
  public record TraceSummary(
      String traceId, String name, List<String> eventIds, long startNanos, long endNanos) {
    /** From its first span's start to its last span's end, in nanoseconds. */
    public long durationNanos() {
      return endNanos - startNanos;
    }
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {}

  @Override
  public boolean isStartRequired() {
    return false;
  }

  @Override
  public void onEnd(ReadableSpan span) {
    keep(view(span.toSpanData()));
  }

  /** Keeps {@code span}, recorded here or by another process. */
  public void keep(SpanView span) {
    List<String> ids = eventIds(span.attributes());
    synchronized (this) {
      spans.addLast(span);
      if (spans.size() > capacity) {
        spans.removeFirst();
      }
      for (String id : ids) {
        traceOfEvent.remove(id);
        traceOfEvent.put(id, span.traceId());
      }
      Iterator<String> oldest = traceOfEvent.keySet().iterator();
      while (traceOfEvent.size() > capacity && oldest.hasNext()) {
        oldest.next();
        oldest.remove();
      }
    }
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  @Override
  public CompletableResultCode shutdown() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode forceFlush() {
    return CompletableResultCode.ofSuccess();
  }

  /** The trace the latest span naming {@code eventId} belongs to, while the store holds it. */
  public synchronized Optional<String> traceOf(String eventId) {
    return Optional.ofNullable(traceOfEvent.get(eventId));
  }

  /**
   * The spans of one event's journey, by start: those of its trace that name it, and those that
   * name no event (the request that carried it, say, when it came in a batch with others); and,
   * from other traces, the spans of work done for a batch it was part of (an index commit, a rollup
   * transaction), which live in the trace of the batch's first event.
   */
  public List<SpanView> journey(String eventId) {
    Optional<String> trace = traceOf(eventId);
    if (trace.isEmpty()) {
      return List.of();
    }
    List<SpanView> views = new ArrayList<>();
    synchronized (this) {
      for (SpanView span : spans) {
        Object one = span.attributes().get(Tracing.EVENT_ID.getKey());
        Object several = span.attributes().get(Tracing.EVENT_IDS.getKey());
        boolean inBatch = several instanceof List<?> list && list.contains(eventId);
        if (span.traceId().equals(trace.get())
            ? (one == null || one.equals(eventId)) && (several == null || inBatch)
            : inBatch) {
          views.add(span);
        }
      }
    }
    views.sort(Comparator.comparingLong(SpanView::startNanos));
    return views;
  }

  /** The {@code limit} slowest traces the store holds, slowest first. */
  public List<TraceSummary> slowest(int limit) {
    Map<String, List<SpanView>> byTrace = new LinkedHashMap<>();
    synchronized (this) {
      for (SpanView span : spans) {
        byTrace.computeIfAbsent(span.traceId(), t -> new ArrayList<>()).add(span);
      }
    }
    List<TraceSummary> summaries = new ArrayList<>();
    byTrace.forEach(
        (trace, list) -> {
          List<String> ids = new ArrayList<>();
          long start = Long.MAX_VALUE;
          long end = Long.MIN_VALUE;
          SpanView first = null;
          for (SpanView span : list) {
            for (String id : eventIds(span.attributes())) {
              if (!ids.contains(id)) {
                ids.add(id);
              }
            }
            if (span.startNanos() < start) {
              start = span.startNanos();
              first = span;
            }
            end = Math.max(end, span.endNanos());
          }
          if (!ids.isEmpty()) {
            summaries.add(new TraceSummary(trace, first.name(), ids, start, end));
          }
        });
    summaries.sort(Comparator.comparingLong(TraceSummary::durationNanos).reversed());
    return List.copyOf(summaries.subList(0, Math.min(limit, summaries.size())));
  }

  private static List<String> eventIds(Map<String, Object> attributes) {
    if (attributes.get(Tracing.EVENT_ID.getKey()) instanceof String one) {
      return List.of(one);
    }
    List<String> ids = new ArrayList<>();
    if (attributes.get(Tracing.EVENT_IDS.getKey()) instanceof List<?> several) {
      for (Object id : several) {
        ids.add(String.valueOf(id));
      }
    }
    return ids;
  }

  private static SpanView view(SpanData span) {
    List<EventView> events = new ArrayList<>();
    for (EventData event : span.getEvents()) {
      events.add(
          new EventView(event.getName(), event.getEpochNanos(), values(event.getAttributes())));
    }
    String parent = span.getParentSpanContext().isValid() ? span.getParentSpanId() : null;
    return new SpanView(
        span.getTraceId(),
        span.getSpanId(),
        parent,
        span.getName(),
        span.getKind().name(),
        span.getStartEpochNanos(),
        span.getEndEpochNanos(),
        span.getStatus().getStatusCode() == StatusCode.ERROR,
        span.getStatus().getDescription(),
        values(span.getAttributes()),
        List.copyOf(events),
        span.getResource().getAttribute(SERVICE));
  }

  private static Map<String, Object> values(Attributes attributes) {
    Map<String, Object> values = new LinkedHashMap<>();
    attributes.forEach((AttributeKey<?> key, Object value) -> values.put(key.getKey(), value));
    return values;
  }
}
