package dev.offload.consumers.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.consumers.testing.StrictUtf8;
import dev.offload.schemas.Topics;
import java.util.List;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class ReplayLaneTest {
  private final HandlerBinding<String> binding =
      HandlerBinding.blocking("lane", new StrictUtf8(), event -> {}, 1);
  private final WorkerOptions options =
      WorkerOptions.defaults("localhost:9092", "billing", List.of("offload.events.paid"));

  @Test
  void theLaneTopicIsNamedByTheGroup() {
    assertThat(Topics.replay("billing")).isEqualTo("offload.replay.billing");
  }

  @Test
  void theLaneGetsItsShareOfMaxInFlightAndAtLeastOneSlot() {
    assertThat(Worker.Builder.laneSlots(0.25, 256)).isEqualTo(64);
    assertThat(Worker.Builder.laneSlots(0.25, 10)).isEqualTo(2);
    assertThat(Worker.Builder.laneSlots(0.01, 10)).isEqualTo(1);
    assertThat(Worker.Builder.laneSlots(1, 10)).isEqualTo(10);
  }

  @Test
  void aShareOutsideZeroToOneIsRefused() {
    Worker.Builder<String> builder = Worker.builder(options, binding);
    assertThatThrownBy(() -> builder.replayLane(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("replayLane share must be in [0, 1], was 1.5");
    assertThatThrownBy(() -> builder.replayLane(-0.1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.replayLane(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aLaneNeedsClientsFromTheOptions() {
    Worker.Builder<String> builder =
        Worker.builder(options, binding)
            .clients(
                new MockConsumer<>("earliest"),
                new MockProducer<>(
                    true, null, new ByteArraySerializer(), new ByteArraySerializer()))
            .replayLane(0.25);
    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a replay lane needs Kafka clients from the options");
  }
}
