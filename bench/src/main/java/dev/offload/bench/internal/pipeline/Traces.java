package dev.offload.bench.internal.pipeline;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The trace of every event of a run by event id, filled from several threads: the load generator
 * (answers), the topic reader (arrivals) and the effect watchers.
 */
public final class Traces {
  private final Map<String, EventTrace> byId = new ConcurrentHashMap<>();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong onEvents = new AtomicLong();
  private final AtomicLong onWork = new AtomicLong();
  private final AtomicLong redelivered = new AtomicLong();

  /** Event {@code id} of {@code type} about {@code entity} was due then answered 202. */
  public void accepted(String id, String type, String entity, int step, long due, long at) {
    EventTrace t = trace(id);
    t.type = type;
    t.entity = entity;
    t.step = step;
    t.due = due;
    t.accepted = at;
    accepted.incrementAndGet();
  }

  /** Event {@code id} arrived on an events topic. */
  public void onEvents(String id, long at) {
    first(trace(id), at, true);
  }

  /** Event {@code id} arrived on a work topic. */
  public void onWork(String id, long at) {
    first(trace(id), at, false);
  }

  /** The effect of event {@code id} was done at {@code at}, unless one was recorded before. */
  public void effect(String id, long at) {
    EventTrace t = byId.get(id);
    if (t != null && t.effect == 0) {
      t.effect = at;
    }
  }

  private void first(EventTrace t, long at, boolean events) {
    synchronized (t) {
      if (events ? t.onEvents != 0 : t.onWork != 0) {
        redelivered.incrementAndGet();
        return;
      }
      if (events) {
        t.onEvents = at;
        onEvents.incrementAndGet();
      } else {
        t.onWork = at;
        onWork.incrementAndGet();
      }
    }
  }

  private EventTrace trace(String id) {
    return byId.computeIfAbsent(id, ignored -> new EventTrace());
  }

  /** The trace of {@code id}, or null. */
  public EventTrace get(String id) {
    return byId.get(id);
  }

  /** Every trace, with the event ids. */
  public Map<String, EventTrace> all() {
    return byId;
  }

  /** Traces of accepted events. */
  public Collection<EventTrace> values() {
    return byId.values();
  }

  /** Events answered 202. */
  public long accepted() {
    return accepted.get();
  }

  /** Events seen on their events topic. */
  public long onEvents() {
    return onEvents.get();
  }

  /** Events seen on their work topic. */
  public long onWork() {
    return onWork.get();
  }

  /** Arrivals of an event already seen on the same kind of topic (at-least-once redeliveries). */
  public long redelivered() {
    return redelivered.get();
  }
}
