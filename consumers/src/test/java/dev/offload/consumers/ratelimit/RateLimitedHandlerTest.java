package dev.offload.consumers.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.consumers.testing.ManualScheduler;
import dev.offload.consumers.testing.Meters;
import dev.offload.consumers.testing.MutableClock;
import dev.offload.consumers.worker.Event;
import dev.offload.consumers.worker.EventHeaders;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class RateLimitedHandlerTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<String> handled = new ArrayList<>();

  @Test
  void aKeyOverItsLimitWaitsWithoutFailingWhileOtherKeysPass() {
    RateLimitedHandler<String> handler =
        handler(List.of(RateLimit.perKey("recipient", 1, Duration.ofSeconds(1), e -> e.value())));

    CompletionStage<Void> first = handler.handle(event("u1", "ada@example.com"));
    CompletionStage<Void> limited = handler.handle(event("u2", "ada@example.com"));
    CompletionStage<Void> other = handler.handle(event("u3", "bob@example.com"));

    assertThat(first.toCompletableFuture()).isCompleted();
    assertThat(other.toCompletableFuture()).isCompleted();
    assertThat(limited.toCompletableFuture()).as("parked, not failed").isNotDone();
    assertThat(handled).containsExactly("u1", "u3");
    assertThat(handler.waiting()).isEqualTo(1);
    assertThat(scheduler.delays()).containsExactly(Duration.ofSeconds(1));

    clock.advance(Duration.ofSeconds(1));
    scheduler.runDue();
    assertThat(limited.toCompletableFuture()).isCompleted();
    assertThat(handled).containsExactly("u1", "u3", "u2");
    assertThat(handler.waiting()).isZero();
    assertThat(Meters.count(meters, RateLimitedHandler.LIMITED)).isEqualTo(1);
  }

  @Test
  void theLongestWaitOfSeveralLimitsWins() {
    RateLimitedHandler<String> handler =
        handler(
            List.of(
                RateLimit.perHandler("provider", 2, Duration.ofSeconds(1)),
                RateLimit.perKey("recipient", 1, Duration.ofSeconds(4), e -> e.value())));
    handler.handle(event("u1", "ada@example.com"));
    handler.handle(event("u2", "ada@example.com"));
    handler.handle(event("u3", "bob@example.com"));
    assertThat(handled).containsExactly("u1");
    assertThat(scheduler.delays())
        .as("u2 waits for ada's next permit, u3 for the provider's")
        .containsExactly(Duration.ofSeconds(4), Duration.ofMillis(500));
  }

  @Test
  void anEventWithoutALimitedKeyIsNotLimited() {
    RateLimitedHandler<String> handler =
        handler(List.of(RateLimit.perKey("recipient", 1, Duration.ofSeconds(1), e -> e.value())));
    handler.handle(event("u1", null));
    handler.handle(event("u2", null));
    assertThat(handled).containsExactly("u1", "u2");
  }

  private RateLimitedHandler<String> handler(List<RateLimit<String>> limits) {
    return new RateLimitedHandler<>(
        "email",
        event -> {
          handled.add(event.key());
          return CompletableFuture.completedFuture(null);
        },
        limits,
        clock,
        scheduler,
        null,
        meters);
  }

  private static Event<String> event(String key, String value) {
    return new Event<>(
        key, value, new EventHeaders("id-" + key, "t", 1, null, null, null), "topic", 0, 0);
  }
}
