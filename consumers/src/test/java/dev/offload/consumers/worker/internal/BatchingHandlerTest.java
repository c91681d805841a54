package dev.offload.consumers.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.consumers.retry.RetryableException;
import dev.offload.consumers.worker.BatchOptions;
import dev.offload.consumers.worker.Event;
import dev.offload.consumers.worker.EventHeaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class BatchingHandlerTest {
  private final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());

  @Test
  void eventsQueuedWhileABatchRunsFormTheNextBatchUpToTheCount() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    BatchingHandler<String> handler =
        new BatchingHandler<>(
            "t",
            events -> {
              batches.add(events.stream().map(Event::value).toList());
              release.await(10, TimeUnit.SECONDS);
            },
            new BatchOptions(3, 1 << 20, 1));
    try {
      List<CompletableFuture<Void>> done = new ArrayList<>();
      done.add(handler.handle(event("a", 10)).toCompletableFuture());
      await().until(() -> batches.size() == 1);
      for (String v : List.of("b", "c", "d", "e")) {
        done.add(handler.handle(event(v, 10)).toCompletableFuture());
      }
      release.countDown();
      CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      assertThat(batches).containsExactly(List.of("a"), List.of("b", "c", "d"), List.of("e"));
    } finally {
      handler.close();
    }
  }

  @Test
  void aBatchStopsBeforeTheEventThatWouldPassTheByteBound() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    BatchingHandler<String> handler =
        new BatchingHandler<>(
            "t",
            events -> {
              batches.add(events.stream().map(Event::value).toList());
              release.await(10, TimeUnit.SECONDS);
            },
            new BatchOptions(100, 250, 1));
    try {
      List<CompletableFuture<Void>> done = new ArrayList<>();
      done.add(handler.handle(event("first", 10)).toCompletableFuture());
      await().until(() -> batches.size() == 1);
      done.add(handler.handle(event("a", 100)).toCompletableFuture());
      done.add(handler.handle(event("b", 100)).toCompletableFuture());
      done.add(handler.handle(event("c", 100)).toCompletableFuture());
      done.add(handler.handle(event("huge", 1000)).toCompletableFuture());
      release.countDown();
      CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      assertThat(batches)
          .containsExactly(List.of("first"), List.of("a", "b"), List.of("c"), List.of("huge"));
    } finally {
      handler.close();
    }
  }

  @Test
  void aFailedBatchIsRunAgainOneEventAtATimeSoOnlyThePoisonFails() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> committed = Collections.synchronizedList(new ArrayList<>());
    BatchingHandler<String> handler =
        new BatchingHandler<>(
            "t",
            events -> {
              entered.countDown();
              release.await(10, TimeUnit.SECONDS);
              batches.add(events.stream().map(Event::value).toList());
              if (events.stream().anyMatch(e -> e.value().equals("poison"))) {
                throw new IllegalArgumentException("poison");
              }
              events.forEach(e -> committed.add(e.value()));
            },
            new BatchOptions(10, 1 << 20, 1));
    try {
      var blocker = handler.handle(event("blocker", 1)).toCompletableFuture();
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
      var a = handler.handle(event("a", 1)).toCompletableFuture();
      var poison = handler.handle(event("poison", 1)).toCompletableFuture();
      var b = handler.handle(event("b", 1)).toCompletableFuture();
      release.countDown();
      blocker.get(10, TimeUnit.SECONDS);
      a.get(10, TimeUnit.SECONDS);
      b.get(10, TimeUnit.SECONDS);
      assertThat(poison)
          .failsWithin(Duration.ofSeconds(10))
          .withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(IllegalArgumentException.class);
      assertThat(committed).containsExactlyInAnyOrder("blocker", "a", "b");
      assertThat(batches)
          .containsExactly(
              List.of("blocker"),
              List.of("a", "poison", "b"),
              List.of("a"),
              List.of("poison"),
              List.of("b"));
    } finally {
      handler.close();
    }
  }

  @Test
  void closingFailsTheEventsStillQueuedAsRetryableSoTheyAreRedelivered() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    BatchingHandler<String> handler =
        new BatchingHandler<>(
            "t",
            events -> {
              entered.countDown();
              new CountDownLatch(1).await(30, TimeUnit.SECONDS);
            },
            new BatchOptions(1, 1 << 20, 1));
    var running = handler.handle(event("running", 1)).toCompletableFuture();
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    var queued = handler.handle(event("queued", 1)).toCompletableFuture();
    handler.close(); // waits 5 s for the running batch, then interrupts it
    assertThat(running).isCompletedExceptionally();
    assertThat(queued)
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(RetryableException.class);
    assertThat(handler.handle(event("late", 1)))
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(RetryableException.class);
  }

  private static Event<String> event(String value, int size) {
    return new Event<>(value, value, EventHeaders.from(new RecordHeaders(), 1), "t", 0, 0L, size);
  }
}
