package dev.offload.consumers.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.consumers.deadletter.DeadLetterReason;
import dev.offload.schemas.Topics;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionException;
import org.apache.avro.AvroTypeException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private final RetryPolicy policy = RetryPolicy.defaults();

  @Test
  void classifiesMarkedFatalAndUnclassifiedFailures() {
    assertThat(policy.classify(new RetryableException("busy"))).isEqualTo(FailureClass.RETRYABLE);
    assertThat(policy.classify(new IllegalArgumentException("bad"))).isEqualTo(FailureClass.FATAL);
    assertThat(policy.classify(new NumberFormatException("x"))).isEqualTo(FailureClass.FATAL);
    assertThat(policy.classify(new SerializationException("poison"))).isEqualTo(FailureClass.FATAL);
    assertThat(policy.classify(new AvroTypeException("schema"))).isEqualTo(FailureClass.FATAL);
    assertThat(policy.classify(new IllegalStateException("?"))).isEqualTo(FailureClass.RETRYABLE);
    assertThat(policy.withUnclassified(FailureClass.FATAL).classify(new IOException("?")))
        .isEqualTo(FailureClass.FATAL);
  }

  @Test
  void classificationLooksThroughWrappersAndTheCauseChain() {
    var wrapped = new CompletionException(new IllegalArgumentException("bad"));
    assertThat(policy.classify(wrapped)).isEqualTo(FailureClass.FATAL);
    var cause = new RuntimeException("outer", new SerializationException("inner"));
    assertThat(policy.classify(cause)).isEqualTo(FailureClass.FATAL);
    var marked = new RetryableException("retry", new IllegalArgumentException("inner"));
    assertThat(policy.classify(marked))
        .as("the outer marker wins")
        .isEqualTo(FailureClass.RETRYABLE);
    assertThat(RecordDeserializationException.class).isAssignableTo(SerializationException.class);
  }

  @Test
  void backoffCapGrowsExponentiallyUpToMaxDelay() {
    RetryPolicy p = policy.withBackoff(Duration.ofMillis(100), Duration.ofMillis(1000));
    assertThat(p.backoffCap(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(p.backoffCap(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(p.backoffCap(4)).isEqualTo(Duration.ofMillis(800));
    assertThat(p.backoffCap(5)).isEqualTo(Duration.ofMillis(1000));
    assertThat(p.backoffCap(500)).isEqualTo(Duration.ofMillis(1000));
  }

  @Test
  void fullJitterStaysWithinZeroAndTheCap() {
    SplittableRandom random = new SplittableRandom(42);
    for (int attempt = 1; attempt <= 30; attempt++) {
      Duration cap = policy.backoffCap(attempt);
      for (int i = 0; i < 200; i++) {
        Duration d = policy.backoff(attempt, random.nextDouble());
        assertThat(d).isBetween(Duration.ZERO, cap);
      }
      assertThat(policy.backoff(attempt, 0.0)).isEqualTo(Duration.ZERO);
      assertThat(policy.backoff(attempt, 1.0)).isEqualTo(cap);
    }
    assertThatThrownBy(() -> policy.backoff(1, 1.5)).hasMessageContaining("uniform");
  }

  @Test
  void decidesInPlaceDelayTopicOrDeadLetter() {
    RetryPolicy p =
        policy
            .withBackoff(Duration.ofSeconds(1), Duration.ofMinutes(5))
            .withDelayTopics(
                Duration.ofSeconds(2), List.of(Duration.ofSeconds(10), Duration.ofMinutes(1)))
            .withMaxAttempts(4);
    assertThat(p.decide(new RetryableException("x"), 1, 1.0))
        .isEqualTo(new RetryDecision.InPlace(Duration.ofSeconds(1)));
    assertThat(p.decide(new RetryableException("x"), 3, 1.0))
        .isEqualTo(new RetryDecision.Delayed(Duration.ofSeconds(4), Duration.ofSeconds(10)));
    assertThat(p.decide(new RetryableException("x"), 3, 0.1))
        .as("a short jittered delay stays in place")
        .isEqualTo(new RetryDecision.InPlace(Duration.ofMillis(400)));
    assertThat(p.decide(new RetryableException("x"), 4, 1.0))
        .isEqualTo(new RetryDecision.DeadLetter(DeadLetterReason.RETRIES_EXHAUSTED));
    assertThat(p.decide(new IllegalArgumentException("x"), 1, 1.0))
        .isEqualTo(new RetryDecision.DeadLetter(DeadLetterReason.FATAL));
    assertThat(p.tierFor(Duration.ofMinutes(3)))
        .as("beyond the last tier")
        .isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void delayTopicsAreNamedByGroupAndTier() {
    assertThat(policy.delayTopics("email"))
        .containsExactly(
            "offload.retry.email.10s", "offload.retry.email.1m", "offload.retry.email.10m");
    assertThat(Topics.delayLabel(Duration.ofHours(2))).isEqualTo("2h");
    assertThat(Topics.delayLabel(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Topics.isRetry("email", "offload.retry.email.1m")).isTrue();
    assertThat(Topics.isRetry("email", "offload.retry.emailer.1m")).isFalse();
  }

  @Test
  void invalidFieldsAreNamed() {
    assertThatThrownBy(() -> policy.withMaxAttempts(0)).hasMessageContaining("retry.maxAttempts");
    assertThatThrownBy(() -> policy.withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("retry.maxDelay");
    assertThatThrownBy(
            () -> policy.withDelayTopics(Duration.ofSeconds(5), List.of(Duration.ofSeconds(1))))
        .hasMessageContaining("retry.delayTiers");
    assertThatThrownBy(() -> policy.withBackoff(Duration.ofSeconds(-1), Duration.ofSeconds(1)))
        .hasMessageContaining("retry.initialDelay");
  }
}
