package dev.offload.consumers.backpressure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.consumers.backpressure.internal.PauseController;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PauseControllerTest {
  private static final TopicPartition A = new TopicPartition("t", 0);
  private static final TopicPartition B = new TopicPartition("t", 1);

  private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
  private final PauseController pauses = new PauseController(new Watermarks(10, 4));

  @Test
  void pausesEverythingAtTheHighMarkAndResumesOnlyAtTheLowMark() {
    consumer.assign(List.of(A, B));
    update(9);
    assertThat(consumer.paused()).isEmpty();
    update(10);
    assertThat(consumer.paused()).containsExactlyInAnyOrder(A, B);
    assertThat(pauses.pausedCount()).isEqualTo(2);
    update(5);
    assertThat(consumer.paused()).as("hysteresis").containsExactlyInAnyOrder(A, B);
    update(4);
    assertThat(consumer.paused()).isEmpty();
    assertThat(pauses.pausedCount()).isZero();
  }

  @Test
  void keepsPartitionsWithHeldRetriesPausedAfterResuming() {
    consumer.assign(List.of(A, B));
    update(10);
    pauses.resumeIfDrained(0);
    pauses.apply(consumer, Set.of(B), false);
    assertThat(consumer.paused()).containsExactly(B);
    pauses.apply(consumer, Set.of(), true);
    assertThat(consumer.paused()).containsExactlyInAnyOrder(A, B);
  }

  @Test
  void watermarksNameTheWrongField() {
    assertThatThrownBy(() -> new Watermarks(0, 0)).hasMessageContaining("watermarks.high");
    assertThatThrownBy(() -> new Watermarks(5, 5)).hasMessageContaining("watermarks.low");
    assertThat(Watermarks.forMaxInFlight(256)).isEqualTo(new Watermarks(1024, 512));
  }

  private void update(int load) {
    pauses.pauseIfSaturated(load);
    pauses.resumeIfDrained(load);
    pauses.apply(consumer, Set.of(), false);
  }
}
