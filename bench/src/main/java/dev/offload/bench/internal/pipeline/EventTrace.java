package dev.offload.bench.internal.pipeline;

/**
 * What the benchmark saw of one event, as {@link System#nanoTime()} values (0 for not seen): when
 * its request was due, when it was answered 202, when it arrived on its events topic and on its
 * work topic, and when its effect was done.
 */
public final class EventTrace {
  volatile String type;
  volatile String entity;
  volatile int step = -1;
  volatile long due;
  volatile long accepted;
  volatile long onEvents;
  volatile long onWork;
  volatile long effect;

  /** The event type, or null when the event was seen on Kafka before its answer. */
  public String type() {
    return type;
  }

  /** The document or user id it is about. */
  public String entity() {
    return entity;
  }

  /** Index of the step that sent it, or -1. */
  public int step() {
    return step;
  }

  /** When its request was due. */
  public long due() {
    return due;
  }

  /** When it was answered 202. */
  public long accepted() {
    return accepted;
  }

  /** When it arrived on {@code offload.events.<type>}. */
  public long onEvents() {
    return onEvents;
  }

  /** When it arrived on {@code offload.work.<handler>}. */
  public long onWork() {
    return onWork;
  }

  /** When its effect was done. */
  public long effect() {
    return effect;
  }
}
