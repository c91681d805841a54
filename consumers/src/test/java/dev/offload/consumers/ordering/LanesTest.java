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

    Item stranger = new Item("A", "other retry");
    assertThat(lanes.resumeParked(stranger, "retry-9")).isFalse();
    Item retry = new Item("A", "a1 again");
    assertThat(lanes.resumeParked(retry, "retry-1")).isTrue();
    assertThat(drainReady()).containsExactly(retry);
    lanes.release(retry);
    assertThat(drainReady()).containsExactly(a2);
  }

  @Test
  void aParkedLaneCanBeParkedAgainOnANewTicket() {
    Item a1 = add("A", "a1");
    Item a2 = add("A", "a2");
    drainReady();
    lanes.park(a1, "attempt-2");
    lanes.park(a1, "attempt-3");
    assertThat(lanes.resumeParked(new Item("A", "late"), "attempt-2")).isFalse();
    Item retry = new Item("A", "a1 attempt 3");
    assertThat(lanes.resumeParked(retry, "attempt-3")).isTrue();
    lanes.release(drainReady().get(0));
    assertThat(drainReady()).containsExactly(a2);
  }

  @Test
  void unparkingOpensTheLaneWithoutTheRetry() {
    Item a1 = add("A", "a1");
    Item a2 = add("A", "a2");
    drainReady();
    lanes.park(a1, "t");
    assertThat(lanes.unparkWhere("t"::equals)).isEqualTo(1);
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
