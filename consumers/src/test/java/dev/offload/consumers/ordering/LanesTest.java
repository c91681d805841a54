package dev.offload.consumers.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.consumers.ordering.internal.Lanes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LanesTest {
  /** An item: lane key and a label. */
  record Item(String key, String label) {}

  private final Lanes<Item> lanes = new Lanes<>(Item::key);

  @Test
  void letsOneItemPerLaneOutInAddOrder() {
    Item a1 = add("A", "a1");
    Item b1 = add("B", "b1");
    Item a2 = add("A", "a2");
    assertThat(drainReady()).containsExactly(a1, b1);
    assertThat(lanes.buffered()).isEqualTo(1);
    lanes.release(a1);
    assertThat(drainReady()).containsExactly(a2);
    lanes.release(b1);
    lanes.release(a2);
    assertThat(lanes.buffered()).isZero();
  }

  @Test
  void aParkedLaneWaitsForItsTicketWhileOtherLanesFlow() {
    Item a1 = add("A", "a1");
    Item a2 = add("A", "a2");
    drainReady();
    lanes.park(a1, "retry-1");
    Item b1 = add("B", "b1");
    assertThat(drainReady()).containsExactly(b1);
    assertThat(lanes.isParked(a2)).isTrue();

    Item retry = new Item("A", "a1 again");
    assertThat(lanes.resume(retry, "retry-1")).isTrue();
    assertThat(lanes.isParked(a2)).isFalse();
    assertThat(drainReady()).containsExactly(retry);
    lanes.release(retry);
    assertThat(drainReady()).containsExactly(a2);
  }

  @Test
  void aRetryRunsAheadOfWaitingItemsAndOtherTicketsButAfterTheOccupant() {
    Item a1 = add("A", "a1");
    Item a2 = add("A", "a2");
    drainReady();
    lanes.hold(a1, "elsewhere");
    Item stranger = new Item("A", "retry of another record");
    assertThat(lanes.resume(stranger, "retry-9")).as("no such ticket").isFalse();
    assertThat(drainReady()).as("the occupant runs on").isEmpty();
    lanes.release(a1);
    assertThat(drainReady()).containsExactly(stranger);
    lanes.release(stranger);
    assertThat(drainReady()).as("a2 waits for the ticket").isEmpty();
    lanes.unpark(a1, "elsewhere");
    assertThat(drainReady()).containsExactly(a2);
  }

  @Test
  void aLaneHeldForARetryElsewhereWaitsForEveryTicket() {
    Item probe = new Item("A", "a1 in a delay topic");
    lanes.hold(probe, "t1");
    lanes.hold(probe, "t2");
    Item a2 = add("A", "a2");
    assertThat(drainReady()).isEmpty();
    assertThat(lanes.buffered()).isEqualTo(1);
    lanes.unpark(probe, "t1");
    assertThat(drainReady()).isEmpty();
    lanes.unpark(probe, "t2");
    assertThat(drainReady()).containsExactly(a2);
  }

  @Test
  void anItemWhoseRetryWasNotStoredTakesItsLaneBack() {
    Item a1 = add("A", "a1");
    Item a2 = add("A", "a2");
    drainReady();
    lanes.park(a1, "t");
    lanes.reoccupy(a1, "t");
    assertThat(lanes.isParked(a2)).isFalse();
    assertThat(drainReady()).isEmpty();
    lanes.release(a1);
    assertThat(drainReady()).containsExactly(a2);
  }

  @Test
  void removingItemsPromotesTheNextOfTheirLane() {
    Item a1 = add("A", "a1-gone");
    Item a2 = add("A", "a2");
    Item b1 = add("B", "b1-gone");
    List<Item> removed = lanes.removeWhere(i -> i.label().endsWith("gone"));
    assertThat(removed).containsExactlyInAnyOrder(a1, b1);
    assertThat(drainReady()).containsExactly(a2);
  }

  private Item add(String key, String label) {
    Item item = new Item(key, label);
    lanes.add(item);
    return item;
  }

  private List<Item> drainReady() {
    List<Item> out = new ArrayList<>();
    Item next;
    while ((next = lanes.nextReady()) != null) {
      out.add(next);
    }
    return out;
  }
}
