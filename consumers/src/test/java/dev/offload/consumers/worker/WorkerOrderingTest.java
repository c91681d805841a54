package dev.offload.consumers.worker;

import static dev.offload.consumers.worker.MockWorker.P0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.consumers.ordering.Ordering;
import dev.offload.consumers.testing.ControlledHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class WorkerOrderingTest {

  @Test
  void keyOrderingRunsOneRecordPerKeyInOffsetOrderAndOtherKeysInParallel() {
    ControlledHandler handler = new ControlledHandler();
    try (MockWorker w = new MockWorker(MockWorker.options(), handler)) {
      w.send(0, "A", "A1");
      w.send(0, "B", "B1");
      w.send(0, "A", "A2");
      w.send(1, "C", "C1");
      w.send(0, "A", "A3");
      w.turn();
      assertThat(handler.startedValues()).containsExactlyInAnyOrder("A1", "B1", "C1");

      handler.succeed("A1");
      w.executor.runAll();
      assertThat(handler.openValues()).containsExactly("A2", "B1", "C1");

      handler.succeed("A2");
      w.executor.runAll();
      assertThat(handler.openValues()).containsExactly("A3", "B1", "C1");
      assertThat(handler.startedValues()).containsSubsequence("A1", "A2", "A3");
    }
  }

  @Test
  void recordsWithoutKeyAreOrderedByPartition() {
    ControlledHandler handler = new ControlledHandler();
    try (MockWorker w = new MockWorker(MockWorker.options(), handler)) {
      w.send(0, null, "n1");
      w.send(0, null, "n2");
      w.send(1, null, "m1");
      w.turn();
      assertThat(handler.openValues()).containsExactly("m1", "n1");
      handler.succeed("n1");
      w.executor.runAll();
      assertThat(handler.openValues()).containsExactly("m1", "n2");
    }
  }

  @Test
  void partitionOrderingRunsOneRecordPerPartition() {
    ControlledHandler handler = new ControlledHandler();
    WorkerOptions options = MockWorker.options().withOrdering(Ordering.PARTITION);
    try (MockWorker w = new MockWorker(options, handler)) {
      w.send(0, "A", "A1");
      w.send(0, "B", "B1");
      w.send(1, "C", "C1");
      w.turn();
      assertThat(handler.openValues()).containsExactly("A1", "C1");
      handler.succeed("A1");
      w.executor.runAll();
      assertThat(handler.openValues()).containsExactly("B1", "C1");
    }
  }

  @Test
  void unorderedRunsUpToMaxInFlight() {
    ControlledHandler handler = new ControlledHandler();
    WorkerOptions options =
        MockWorker.options().withOrdering(Ordering.UNORDERED).withMaxInFlight(3);
    try (MockWorker w = new MockWorker(options, handler)) {
      for (int i = 1; i <= 5; i++) {
        w.send(0, "A", "A" + i);
      }
      w.turn();
      assertThat(handler.openValues()).containsExactly("A1", "A2", "A3");
      assertThat(w.worker.inFlight()).isEqualTo(3);
      assertThat(w.worker.buffered()).isEqualTo(2);
      handler.succeed("A2");
      w.executor.runAll();
      assertThat(handler.openValues()).containsExactly("A1", "A3", "A4");
    }
  }

  @Test
  void maxInFlightBoundsKeyOrderedWorkAcrossKeys() {
    ControlledHandler handler = new ControlledHandler();
    try (MockWorker w = new MockWorker(MockWorker.options().withMaxInFlight(2), handler)) {
      w.send(0, "A", "A1");
      w.send(0, "B", "B1");
      w.send(0, "C", "C1");
      w.turn();
      assertThat(handler.openValues()).containsExactly("A1", "B1");
      handler.succeed("B1");
      w.executor.runAll();
      assertThat(handler.openValues()).containsExactly("A1", "C1");
    }
  }

  @Test
  void blockingHandlersRunOnTheirOwnBoundedPool() {
    List<String> threads = new CopyOnWriteArrayList<>();
    List<String> handled = new CopyOnWriteArrayList<>();
    HandlerBinding<String> binding =
        HandlerBinding.blocking(
            "blocking",
            MockWorker.STRINGS,
            event -> {
              threads.add(Thread.currentThread().getName());
              handled.add(event.value());
            },
            2);
    try (MockWorker w = new MockWorker(MockWorker.options(), binding.handler())) {
      w.send(0, "A", "A1");
      w.send(0, "A", "A2");
      w.send(1, "B", "B1");
      w.turn();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () -> {
                w.executor.runAll();
                return handled.size() == 3;
              });
      assertThat(handled).containsSubsequence("A1", "A2");
      assertThat(threads).allMatch(name -> name.startsWith("offload-blocking-blocking-"));
      w.clock.advance(Duration.ofSeconds(1));
      w.turn();
      assertThat(w.committed(P0)).isEqualTo(2);
    }
  }
}
