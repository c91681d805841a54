package dev.offload.consumers.ordering.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Queues of work, one per lane (a key, a partition, or a single item), that let at most one item of
 * a lane out at a time, in the order the items were added.
 *
 * <p>A lane is either idle, occupied by one item (ready or running) or parked on a ticket: its item
 * left to be retried later, and the lane stays closed until that retry comes back ({@link
 * #resumeParked}) or the lane is released. Not thread-safe: the caller holds a lock.
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
    if (lane == null || (lane.occupant != item && lane.ticket == null)) {
      return;
    }
    lane.occupant = null;
    lane.ticket = null;
    promote(id, lane);
  }

  /**
   * The occupant {@code item} went to be retried later: its lane stays closed until the ticket. A
   * lane already parked (its item is retrying) takes the new ticket.
   */
  public void park(I item, Object ticket) {
    Lane<I> lane = lanes.get(laneOf.apply(item));
    if (lane != null && (lane.occupant == item || lane.occupant == null && lane.ticket != null)) {
      lane.occupant = null;
      lane.ticket = Objects.requireNonNull(ticket, "ticket");
    }
  }

  /**
   * Lets {@code item}, the retry that {@code ticket} waits for, into its parked lane ahead of the
   * items waiting there.
   *
   * @return false when no lane waits for that ticket; the caller then {@link #add}s the item
   */
  public boolean resumeParked(I item, Object ticket) {
    Lane<I> lane = lanes.get(laneOf.apply(item));
    if (lane == null || !ticket.equals(lane.ticket)) {
      return false;
    }
    lane.ticket = null;
    lane.occupant = item;
    ready.addFirst(item);
    return true;
  }

  /** Opens every lane parked on a ticket that {@code test} accepts; returns how many. */
  public int unparkWhere(Predicate<Object> test) {
    int opened = 0;
    for (var entry : new ArrayList<>(lanes.entrySet())) {
      Lane<I> lane = entry.getValue();
      if (lane.ticket != null && test.test(lane.ticket)) {
        lane.ticket = null;
        promote(entry.getKey(), lane);
        opened++;
      }
    }
    return opened;
  }

  /** Drops every item that has not started and that {@code test} accepts; returns them. */
  public List<I> removeWhere(Predicate<I> test) {
    List<I> removed = new ArrayList<>();
    for (Lane<I> lane : lanes.values()) {
      for (Iterator<I> it = lane.waiting.iterator(); it.hasNext(); ) {
        I item = it.next();
        if (test.test(item)) {
          it.remove();
          queued--;
          removed.add(item);
        }
      }
    }
    List<I> readyNow = new ArrayList<>(ready);
    ready.clear();
    for (I item : readyNow) {
      if (test.test(item)) {
        removed.add(item);
        release(item);
      } else {
        ready.addLast(item);
      }
    }
    return removed;
  }

  /** Items waiting behind their lane's occupant or ticket, plus items ready to start. */
  public int buffered() {
    return queued + ready.size();
  }

  /** Whether the lane of {@code item} is parked on a ticket. */
  public boolean isParked(I item) {
    Lane<I> lane = lanes.get(laneOf.apply(item));
    return lane != null && lane.ticket != null;
  }

  private void promote(Object id, Lane<I> lane) {
    I next = lane.waiting.pollFirst();
    if (next == null) {
      lanes.remove(id);
      return;
    }
    queued--;
    lane.occupant = next;
    ready.addLast(next);
  }

  private static final class Lane<I> {
    final ArrayDeque<I> waiting = new ArrayDeque<>();
    I occupant;
    Object ticket;

    boolean isIdle() {
      return occupant == null && ticket == null;
    }
  }
}
