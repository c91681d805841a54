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
 * The latest spans of this process, in memory, found by the event they worked on: what {@code
 * offload trace} and the dashboard's journey page read in {@code offload dev}, where no tracing
 * backend runs. Bounded: the oldest span goes when a new one would exceed the capacity.
 */
public final class RecentSpans implements SpanProcessor {
  private final int capacity;
  private final ArrayDeque<SpanData> spans = new ArrayDeque<>();
  private final Map<String, String> traceOfEvent = new LinkedHashMap<>();

  /** A store of at most {@code capacity} spans. */
  public RecentSpans(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.capacity = capacity;
  }

  /** One span as the journey shows it: times in epoch nanoseconds. */
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
      List<EventView> events) {
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
    SpanData data = span.toSpanData();
    List<String> ids = eventIds(data.getAttributes());
    synchronized (this) {
      spans.addLast(data);
      if (spans.size() > capacity) {
        spans.removeFirst();
      }
      for (String id : ids) {
        traceOfEvent.remove(id);
        traceOfEvent.put(id, data.getTraceId());
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
   * name no event (the request that carried it, say, when it came in a batch with others).
   */
  public List<SpanView> journey(String eventId) {
    Optional<String> trace = traceOf(eventId);
    if (trace.isEmpty()) {
      return List.of();
    }
    List<SpanView> views = new ArrayList<>();
    for (SpanData span : spansOf(trace.get())) {
      Attributes a = span.getAttributes();
      String one = a.get(Tracing.EVENT_ID);
      List<String> several = a.get(Tracing.EVENT_IDS);
      if ((one == null || one.equals(eventId)) && (several == null || several.contains(eventId))) {
        views.add(view(span));
      }
    }
    return views;
  }

  /** The {@code limit} slowest traces the store holds, slowest first. */
  public List<TraceSummary> slowest(int limit) {
    Map<String, List<SpanData>> byTrace = new LinkedHashMap<>();
    synchronized (this) {
      for (SpanData span : spans) {
        byTrace.computeIfAbsent(span.getTraceId(), t -> new ArrayList<>()).add(span);
      }
    }
    List<TraceSummary> summaries = new ArrayList<>();
    byTrace.forEach(
        (trace, list) -> {
          List<String> ids = new ArrayList<>();
          long start = Long.MAX_VALUE;
          long end = Long.MIN_VALUE;
          SpanData first = null;
          for (SpanData span : list) {
            for (String id : eventIds(span.getAttributes())) {
              if (!ids.contains(id)) {
                ids.add(id);
              }
            }
            if (span.getStartEpochNanos() < start) {
              start = span.getStartEpochNanos();
              first = span;
            }
            end = Math.max(end, span.getEndEpochNanos());
          }
          if (!ids.isEmpty()) {
            summaries.add(new TraceSummary(trace, first.getName(), ids, start, end));
          }
        });
    summaries.sort(Comparator.comparingLong(TraceSummary::durationNanos).reversed());
    return List.copyOf(summaries.subList(0, Math.min(limit, summaries.size())));
  }

  private synchronized List<SpanData> spansOf(String traceId) {
    List<SpanData> found = new ArrayList<>();
    for (SpanData span : spans) {
      if (span.getTraceId().equals(traceId)) {
        found.add(span);
      }
    }
    found.sort(Comparator.comparingLong(SpanData::getStartEpochNanos));
    return found;
  }

  private static List<String> eventIds(Attributes attributes) {
    String one = attributes.get(Tracing.EVENT_ID);
    List<String> several = attributes.get(Tracing.EVENT_IDS);
    if (one != null) {
      return List.of(one);
    }
    return several == null ? List.of() : several;
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
        List.copyOf(events));
  }

  private static Map<String, Object> values(Attributes attributes) {
    Map<String, Object> values = new LinkedHashMap<>();
    attributes.forEach((AttributeKey<?> key, Object value) -> values.put(key.getKey(), value));
    return values;
  }
}
