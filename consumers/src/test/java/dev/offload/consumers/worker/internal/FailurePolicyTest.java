package dev.offload.consumers.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.consumers.deadletter.DeadLetterReason;
import dev.offload.consumers.ordering.Ordering;
import dev.offload.consumers.retry.RetryPolicy;
import dev.offload.consumers.retry.RetryableException;
import dev.offload.consumers.testing.MutableClock;
import dev.offload.consumers.worker.WorkerMetricNames;
import dev.offload.runtime.breaker.CircuitBreaker;
import dev.offload.runtime.breaker.CircuitBreakerPolicy;
import dev.offload.schemas.registry.RegistryException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** Each kind of failure to the one outcome it has. */
class FailurePolicyTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final MutableClock clock = new MutableClock(T0);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final WorkerRuntime runtime =
      new WorkerRuntime(
          Runnable::run,
          (delay, task) -> {},
          clock,
          () -> 1.0,
          new WorkerMetrics(meters, "g", "h"));
  private final RetryPolicy retry =
      RetryPolicy.defaults()
          .withMaxAttempts(3)
          .withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(20))
          .withDelayTopics(Duration.ofSeconds(2), List.of(Duration.ofSeconds(10)));

  private static WorkItem item(int attempt) {
    WorkItem item =
        WorkItem.of(
            new ConsumerRecord<>("t", 0, 5L, "k".getBytes(), "v".getBytes()), Ordering.KEY, false);
    for (int i = 1; i < attempt; i++) {
      item.nextAttempt();
    }
    return item;
  }

  @Test
  void aTransientFailureIsRetriedInPlaceThenThroughADelayTopicThenDeadLettered() {
    FailurePolicy policy = new FailurePolicy(retry, null, runtime);
    Throwable boom = new RetryableException("timeout");
    assertThat(policy.failed(item(1), boom)).isEqualTo(new Outcome.RetryInPlace(ofSeconds(2)));
    assertThat(policy.failed(item(2), boom))
        .isEqualTo(new Outcome.Delayed(ofSeconds(4), ofSeconds(10)));
    WorkItem last = item(3);
    assertThat(policy.failed(last, boom))
        .isEqualTo(new Outcome.DeadLetter(DeadLetterReason.RETRIES_EXHAUSTED, boom));
    assertThat(last.lastFailedAt()).isEqualTo(T0);
    assertThat(count(WorkerMetricNames.FAILED)).isEqualTo(3);
  }

  @Test
  void aFatalFailureIsDeadLetteredAtOnce() {
    Throwable bad = new IllegalArgumentException("no such user");
    assertThat(new FailurePolicy(retry, null, runtime).failed(item(1), bad))
        .isEqualTo(new Outcome.DeadLetter(DeadLetterReason.FATAL, bad));
  }

  @Test
  void anUnreadableRecordIsPoisonUnlessTheRegistryDidNotAnswer() {
    FailurePolicy policy = new FailurePolicy(retry, null, runtime);
    RuntimeException poison = new SerializationException("not Avro");
    assertThat(policy.unreadable(item(1), poison))
        .isEqualTo(new Outcome.DeadLetter(DeadLetterReason.DESERIALIZATION, poison));
    RuntimeException down =
        new SerializationException(
            "no schema", new RegistryException("refused", new IOException("refused")));
    assertThat(policy.unreadable(item(1), down)).isEqualTo(new Outcome.Held(ofSeconds(2)));
    RuntimeException unknown =
        new SerializationException(
            "no schema", new RegistryException("unknown", 404, RegistryException.SCHEMA_NOT_FOUND));
    assertThat(policy.unreadable(item(1), unknown)).isInstanceOf(Outcome.DeadLetter.class);
    assertThat(count(WorkerMetricNames.REGISTRY_HELD)).isEqualTo(1);
  }

  @Test
  void anOpenBreakerHoldsTheRecordWithoutSpendingAnAttempt() {
    CircuitBreaker breaker =
        new CircuitBreaker("smtp", new CircuitBreakerPolicy(1, ofSeconds(5)), clock);
    FailurePolicy policy = new FailurePolicy(retry, breaker, runtime);
    assertThat(policy.holdIfBreakerOpen()).isEmpty();
    WorkItem item = item(1);
    assertThat(policy.failed(item, new RetryableException("smtp down")))
        .isEqualTo(new Outcome.Held(ofSeconds(5)));
    assertThat(item.lastFailedAt()).as("not an attempt's failure").isNull();
    assertThat(policy.holdIfBreakerOpen()).contains(new Outcome.Held(ofSeconds(5)));
    clock.advance(Duration.ofMillis(4_950));
    assertThat(policy.holdIfBreakerOpen())
        .as("never rechecks more often than every 100 ms")
        .contains(new Outcome.Held(Duration.ofMillis(100)));
    assertThat(count(WorkerMetricNames.BREAKER_HELD)).isEqualTo(3);
  }

  private static Duration ofSeconds(long seconds) {
    return Duration.ofSeconds(seconds);
  }

  private double count(String name) {
    return meters.find(name).counter().count();
  }
}
