package dev.offload.consumers.testing;

import dev.offload.consumers.worker.Event;
import dev.offload.consumers.worker.EventHandler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A handler whose attempts stay open until the test completes or fails them, by value. Records
 * every attempt it saw, in order.
 */
public final class ControlledHandler implements EventHandler<String> {
  private final List<Event<String>> started = new ArrayList<>();
  private final Map<String, CompletableFuture<Void>> open = new HashMap<>();

  @Override
  public synchronized CompletionStage<Void> handle(Event<String> event) {
    started.add(event);
    CompletableFuture<Void> done = new CompletableFuture<>();
    open.put(event.value(), done);
    return done;
  }

  /** Values of the attempts started so far, in order. */
  public synchronized List<String> startedValues() {
    return started.stream().map(Event::value).toList();
  }

  /** Every attempt started so far. */
  public synchronized List<Event<String>> started() {
    return List.copyOf(started);
  }

  /** Values whose attempt is open. */
  public synchronized List<String> openValues() {
    return open.keySet().stream().sorted().toList();
  }

  public void succeed(String value) {
    take(value).complete(null);
  }

  public void fail(String value, Throwable error) {
    take(value).completeExceptionally(error);
  }

  private synchronized CompletableFuture<Void> take(String value) {
    CompletableFuture<Void> f = open.remove(value);
    if (f == null) {
      throw new AssertionError("no open attempt for " + value + "; open: " + open.keySet());
    }
    return f;
  }
}
