package dev.offload.consumers.ordering.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Queues of work, one per lane (a key, a partition, or a single item), that let at most one item of
 * a lane out at a time, in the order the items were added.
 *
 * <p>A lane may also hold tickets: each names a record of the lane that left to be retried later
 * (through a delay topic), and while a lane holds a ticket its waiting items stay put. A retry that
 * comes back ({@link #resume}) takes its ticket off and runs next, ahead of the waiting items and
 * of the other tickets, since it is older than they are; a ticket is also taken off when the retry
 * is known to be finished elsewhere ({@link #unpark}). Not thread-safe: the caller holds a lock.
 *
 * @param <I> the work item
 */
public final class Lanes<I> {
  private final Function<I, Object> laneOf;
  private final Map<Object, Lane<I>> lanes = new HashMap<>();
  private final ArrayDeque<I> ready = new ArrayDeque<>();
  private int queued;

  /** Lanes that find an item's lane with {@code laneOf}. */
  public Lanes(Function<I, Object> laneOf) {
    this.laneOf = Objects.requireNonNull(laneOf, "laneOf");
  }

  /** Adds an item behind the items of its lane; it is ready at once if its lane is idle. */
  public void add(I item) {
    Lane<I> lane = lanes.computeIfAbsent(laneOf.apply(item), k -> new Lane<>());
    if (lane.isIdle()) {
      lane.occupant = item;
      ready.addLast(item);
    } else {
      lane.waiting.addLast(item);
      queued++;
    }
  }

  /** The next item that may start, or {@code null}; its lane stays occupied until released. */
  public I nextReady() {
    return ready.pollFirst();
  }

  /** The lane of {@code item} is done with it: the next item of the lane becomes ready. */
  public void release(I item) {
    Object id = laneOf.apply(item);
    Lane<I> lane = lanes.get(id);
    if (lane == null || lane.occupant != item) {
      return;
    }
    lane.occupant = null;
    promote(id, lane);
  }

  /**
   * The occupant {@code item} leaves to be retried later: its lane holds {@code ticket} until the
   * retry comes back or is finished elsewhere.
   */
  public void park(I item, Object ticket) {
    Object id = laneOf.apply(item);
    Lane<I> lane = lanes.get(id);
    if (lane != null && lane.occupant == item) {
      lane.occupant = null;
      lane.tickets.add(Objects.requireNonNull(ticket, "ticket"));
      promote(id, lane);
    }
  }

  /**
   * {@code item} could not leave after all (its retry was not stored): it takes its lane back from
   * {@code ticket}, if nothing else took the lane meanwhile.
   */
  public void reoccupy(I item, Object ticket) {
    Lane<I> lane = lanes.get(laneOf.apply(item));
    if (lane != null && lane.tickets.remove(ticket) && lane.occupant == null) {
      lane.occupant = item;
    }
  }

  /** The lane of {@code probe} holds {@code ticket}: a record of it is being retried elsewhere. */
  public void hold(I probe, Object ticket) {
    lanes
        .computeIfAbsent(laneOf.apply(probe), k -> new Lane<>())
        .tickets
        .add(Objects.requireNonNull(ticket, "ticket"));
  }

  /**
   * Lets the retry {@code item} into its lane: it runs as soon as the lane's occupant is done,
   * ahead of the waiting items, and takes {@code ticket} off the lane if the lane holds it.
   *
   * @return whether the lane held {@code ticket}
   */
  public boolean resume(I item, Object ticket) {
    Object id = laneOf.apply(item);
    Lane<I> lane = lanes.computeIfAbsent(id, k -> new Lane<>());
    boolean held = lane.tickets.remove(ticket);
    lane.resumed.addLast(item);
    queued++;
    if (lane.occupant == null) {
      promote(id, lane);
    }
    return held;
  }

  /** Takes {@code ticket} off the lane of {@code probe}; the lane moves on if it is free. */
  public void unpark(I probe, Object ticket) {
    Object id = laneOf.apply(probe);
    Lane<I> lane = lanes.get(id);
    if (lane != null && lane.tickets.remove(ticket) && lane.occupant == null) {
      promote(id, lane);
    }
  }

  /** Drops every item that has not started and that {@code test} accepts; returns them. */
  public List<I> removeWhere(Predicate<I> test) {
    return removeWhere(test, item -> {});
  }

  /**
   * Drops every item that has not started and that {@code test} accepts, showing each to {@code
   * beforeRelease} before any lane moves on (so it can still put a ticket on its lane); returns
   * them.
   */
  public List<I> removeWhere(Predicate<I> test, Consumer<I> beforeRelease) {
    List<I> removed = new ArrayList<>();
    for (Lane<I> lane : lanes.values()) {
      removed.addAll(removeFrom(lane.resumed, test));
      removed.addAll(removeFrom(lane.waiting, test));
    }
    List<I> readyNow = new ArrayList<>(ready);
    ready.clear();
    List<I> wasReady = new ArrayList<>();
    for (I item : readyNow) {
      if (test.test(item)) {
        wasReady.add(item);
      } else {
        ready.addLast(item);
      }
    }
    removed.addAll(wasReady);
    removed.forEach(beforeRelease);
    wasReady.forEach(this::release);
    return removed;
  }

  /** Items waiting behind their lane's occupant or tickets, plus items ready to start. */
  public int buffered() {
    return queued + ready.size();
  }

  /** Whether the lane of {@code item} holds a ticket. */
  public boolean isParked(I item) {
    Lane<I> lane = lanes.get(laneOf.apply(item));
    return lane != null && !lane.tickets.isEmpty();
  }

  private List<I> removeFrom(ArrayDeque<I> queue, Predicate<I> test) {
    List<I> removed = new ArrayList<>();
    for (Iterator<I> it = queue.iterator(); it.hasNext(); ) {
      I item = it.next();
      if (test.test(item)) {
        it.remove();
        queued--;
        removed.add(item);
      }
    }
    return removed;
  }

  /** Gives a free lane its next item: a resumed retry first, a waiting item when no ticket. */
  private void promote(Object id, Lane<I> lane) {
    I next = lane.resumed.pollFirst();
    if (next == null && lane.tickets.isEmpty()) {
      next = lane.waiting.pollFirst();
    }
    if (next == null) {
      if (lane.tickets.isEmpty() && lane.waiting.isEmpty()) {
        lanes.remove(id);
      }
      return;
    }
    queued--;
    lane.occupant = next;
    ready.addLast(next);
  }

  private static final class Lane<I> {
    final ArrayDeque<I> waiting = new ArrayDeque<>();
    final ArrayDeque<I> resumed = new ArrayDeque<>();
    final Set<Object> tickets = new HashSet<>();
    I occupant;

    boolean isIdle() {
      return occupant == null && tickets.isEmpty() && resumed.isEmpty();
    }
  }
}
