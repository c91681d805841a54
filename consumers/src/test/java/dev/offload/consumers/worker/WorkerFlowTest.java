package dev.offload.consumers.worker;

import static dev.offload.consumers.worker.MockWorker.P0;
import static dev.offload.consumers.worker.MockWorker.P1;
import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.consumers.backpressure.Watermarks;
import dev.offload.consumers.ordering.Ordering;
import dev.offload.consumers.testing.ControlledHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Offsets, backpressure, revocation and shutdown, driven through a mock consumer. */
class WorkerFlowTest {

  @Test
  void commitsOnTheTimerTheOffsetBelowWhichEverythingIsDone() {
    ControlledHandler handler = new ControlledHandler();
    WorkerOptions options = MockWorker.options().withOrdering(Ordering.UNORDERED);
    try (MockWorker w = new MockWorker(options, handler)) {
      for (int i = 0; i < 5; i++) {
        w.send(0, "k" + i, "v" + i);
      }
      w.turn();
      handler.succeed("v0");
      handler.succeed("v1");
      handler.succeed("v3");
      w.executor.runAll();
      w.turn();
      assertThat(w.committed(P0)).as("not before the commit interval").isNull();

      w.clock.advance(Duration.ofSeconds(1));
      w.turn();
      assertThat(w.committed(P0)).as("v2 at offset 2 is still open").isEqualTo(2);

      handler.succeed("v2");
      w.executor.runAll();
      w.clock.advance(Duration.ofSeconds(1));
      w.turn();
      assertThat(w.committed(P0)).isEqualTo(4);

      handler.succeed("v4");
      w.executor.runAll();
      w.clock.advance(Duration.ofSeconds(1));
      w.turn();
      assertThat(w.committed(P0)).isEqualTo(5);
      assertThat(w.committed(P1)).as("nothing fetched there").isNull();
    }
  }

  @Test
  void pausesAtTheHighWatermarkKeepsPollingAndResumesAtTheLowOne() {
    ControlledHandler handler = new ControlledHandler();
    WorkerOptions options =
        MockWorker.options()
            .withOrdering(Ordering.UNORDERED)
            .withMaxInFlight(2)
            .withWatermarks(new Watermarks(4, 2));
    try (MockWorker w = new MockWorker(options, handler)) {
      for (int i = 0; i < 6; i++) {
        w.send(0, "k", "v" + i);
      }
      w.turn();
      assertThat(w.consumer.paused()).containsAll(w.consumer.assignment());
      assertThat(pausedGauge(w)).isEqualTo(w.consumer.assignment().size());

      w.send(1, "k", "late");
      w.turn();
      assertThat(handler.startedValues()).doesNotContain("late");
      assertThat(w.consumer.lastPollTimeout()).isEqualTo(options.pollTimeout());

      handler.succeed("v0");
      handler.succeed("v1");
      w.executor.runAll();
      w.turn();
      assertThat(w.consumer.paused()).as("4 left: above the low mark").isNotEmpty();

      handler.succeed("v2");
      handler.succeed("v3");
      w.executor.runAll();
      w.turn();
      assertThat(w.consumer.paused()).as("2 left: at the low mark").isEmpty();
      w.turn();
      assertThat(w.worker.buffered()).as("late fetched, waiting for room").isEqualTo(1);
    }
  }

  @Test
  void revocationDropsWaitingRecordsWaitsForInFlightOnesAndCommits() {
    ControlledHandler handler = new ControlledHandler();
    WorkerOptions options = MockWorker.options().withOrdering(Ordering.PARTITION);
    try (MockWorker w = new MockWorker(options, handler)) {
      w.send(0, "a", "a");
      w.send(0, "b", "b");
      w.send(0, "c", "c");
      w.send(1, "d", "d");
      w.turn();
      handler.succeed("a");
      w.executor.runAll();
      assertThat(handler.openValues()).containsExactly("b", "d");

      List<TopicPartition> remaining = new ArrayList<>(w.consumer.assignment());
      remaining.remove(P0);
      w.assign(remaining);
      assertThat(w.committed(P0)).as("b is still in flight").isEqualTo(1);

      handler.succeed("b");
      w.executor.runAll();
      assertThat(handler.startedValues()).as("c was dropped with P0").doesNotContain("c");
      assertThat(w.committed(P0)).isEqualTo(1);
      assertThat(w.worker.buffered()).isZero();
    }
  }

  @Test
  void shutdownDrainsInFlightRecordsAndCommitsThem() {
    EventHandler<String> slow =
        event ->
            CompletableFuture.runAsync(
                () -> {}, CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));
    WorkerOptions options = MockWorker.options().withShutdownTimeout(Duration.ofSeconds(10));
    MockWorker w = new MockWorker(options, slow);
    w.send(0, "a", "a");
    w.send(0, "b", "b");
    w.send(1, "c", "c");
    w.turn();
    assertThat(w.worker.inFlight()).isEqualTo(3);

    w.close();

    assertThat(w.committed(P0)).isEqualTo(2);
    assertThat(w.committed(P1)).isEqualTo(1);
    assertThat(w.consumer.closeCalled).isTrue();
    assertThat(w.count(WorkerMetricNames.HANDLED)).isEqualTo(3);
  }

  @Test
  void subscribesToItsTopicsAndItsDelayTopics() {
    try (MockWorker w = new MockWorker(MockWorker.options(), new ControlledHandler())) {
      List<String> expected = new ArrayList<>(List.of(MockWorker.TOPIC));
      expected.addAll(w.options.retry().delayTopics(MockWorker.GROUP));
      assertThat(w.consumer.subscription()).containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  private static double pausedGauge(MockWorker w) {
    return w.registry.get(WorkerMetricNames.PAUSED_PARTITIONS).gauge().value();
  }
}
