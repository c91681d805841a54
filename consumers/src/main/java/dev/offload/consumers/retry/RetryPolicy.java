package dev.offload.consumers.retry;

import dev.offload.consumers.deadletter.DeadLetterReason;
import dev.offload.schemas.Topics;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * How a worker retries failed records: bounded attempts, exponential backoff with full jitter, and
 * which failures are worth retrying at all.
 *
 * <p>The n-th failed attempt waits a uniformly random delay in {@code [0, cap(n)]}, where {@code
 * cap(n) = min(maxDelay, initialDelay * multiplier^(n-1))} (AWS's "full jitter"). A delay up to
 * {@code inPlaceThreshold} is waited in place, blocking only the record's key; a longer one sends
 * the record to the delay topic {@code offload.retry.<group>.<tier>} so the partition moves on.
 *
 * <p>Classification walks the failure's cause chain (unwrapping {@link CompletionException} and
 * {@link ExecutionException}) from the outside in: the first {@link RetryableException} makes it
 * retryable, the first instance of a {@code fatal} type makes it fatal. A failure that is neither
 * is {@code unclassified}, by default {@link FailureClass#RETRYABLE}: unexpected failures of sinks
 * are mostly transient (timeouts, resets), and a real bug still reaches the dead-letter topic after
 * {@code maxAttempts}.
 *
 * @param maxAttempts attempts in all, the first included; default 5, at least 1
 * @param initialDelay cap of the first backoff; default 200 ms
 * @param multiplier growth of the cap per attempt; default 2.0, at least 1
 * @param maxDelay largest cap; default 5 minutes, at least {@code initialDelay}
 * @param inPlaceThreshold longest delay waited in place; default 2 s
 * @param delayTiers delays of the delay topics, ascending, each above {@code inPlaceThreshold};
 *     default 10 s, 1 min, 10 min; empty means every retry waits in place
 * @param unclassified class of failures that are neither marked retryable nor fatal; default {@link
 *     FailureClass#RETRYABLE}
 * @param fatal failure types that are never retried; default Kafka's {@link SerializationException}
 *     (deserialization, schema), {@link IllegalArgumentException} and, when Avro is present, {@code
 *     org.apache.avro.AvroRuntimeException}
 */
@RecordBuilder
public record RetryPolicy(
    int maxAttempts,
    Duration initialDelay,
    double multiplier,
    Duration maxDelay,
    Duration inPlaceThreshold,
    List<Duration> delayTiers,
    FailureClass unclassified,
    List<Class<? extends Throwable>> fatal)
    implements RetryPolicyBuilder.With {

  /** Validates every field and names the one that is wrong. */
  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException(
          "retry.maxAttempts must be at least 1, was " + maxAttempts);
    }
    requireNonNegative(initialDelay, "retry.initialDelay");
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("retry.multiplier must be at least 1, was " + multiplier);
    }
    requireNonNegative(maxDelay, "retry.maxDelay");
    if (maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException("retry.maxDelay must be at least retry.initialDelay");
    }
    requireNonNegative(inPlaceThreshold, "retry.inPlaceThreshold");
    delayTiers = List.copyOf(Objects.requireNonNull(delayTiers, "retry.delayTiers must be set"));
    requireAscendingTiers(delayTiers, inPlaceThreshold);
    Objects.requireNonNull(unclassified, "retry.unclassified must be set");
    fatal = List.copyOf(Objects.requireNonNull(fatal, "retry.fatal must be set"));
  }

  /** The defaults listed on the record. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(
        5,
        Duration.ofMillis(200),
        2.0,
        Duration.ofMinutes(5),
        Duration.ofSeconds(2),
        List.of(Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMinutes(10)),
        FailureClass.RETRYABLE,
        defaultFatalTypes());
  }

  /** The default fatal types: deserialization, schema and argument errors. */
  public static List<Class<? extends Throwable>> defaultFatalTypes() {
    List<Class<? extends Throwable>> types = new ArrayList<>();
    types.add(SerializationException.class);
    types.add(IllegalArgumentException.class);
    optionalType("org.apache.avro.AvroRuntimeException", types);
    return List.copyOf(types);
  }

  /**
   * The delay topics of consumer group {@code group}, one per tier: {@code
   * offload.retry.<group>.<delay>}.
   */
  public List<String> delayTopics(String group) {
    return delayTiers.stream().map(tier -> Topics.retry(group, tier)).toList();
  }

  /** A copy with another backoff: first cap {@code initial}, largest cap {@code max}. */
  public RetryPolicy withBackoff(Duration initial, Duration max) {
    return new RetryPolicy(
        maxAttempts, initial, multiplier, max, inPlaceThreshold, delayTiers, unclassified, fatal);
  }

  /** A copy whose delays above {@code threshold} go to the delay topics of {@code tiers}. */
  public RetryPolicy withDelayTopics(Duration threshold, List<Duration> tiers) {
    return new RetryPolicy(
        maxAttempts, initialDelay, multiplier, maxDelay, threshold, tiers, unclassified, fatal);
  }

  /** A copy that waits every retry in place and uses no delay topic. */
  public RetryPolicy inPlaceOnly() {
    return withDelayTopics(maxDelay, List.of());
  }

  /** Whether {@code failure} is worth another attempt. */
  public FailureClass classify(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof CompletionException || t instanceof ExecutionException) {
        continue;
      }
      if (t instanceof RetryableException) {
        return FailureClass.RETRYABLE;
      }
      for (Class<? extends Throwable> type : fatal) {
        if (type.isInstance(t)) {
          return FailureClass.FATAL;
        }
      }
    }
    return unclassified;
  }

  /** The cap of the backoff after the {@code attempt}-th failed attempt (1-based). */
  public Duration backoffCap(int attempt) {
    double millis = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
    return millis >= maxDelay.toMillis() ? maxDelay : Duration.ofMillis((long) millis);
  }

  /** The jittered backoff after the {@code attempt}-th failure: {@code uniform} of the cap. */
  public Duration backoff(int attempt, double uniform) {
    if (!(uniform >= 0.0 && uniform <= 1.0)) {
      throw new IllegalArgumentException("uniform must be in [0, 1], was " + uniform);
    }
    return Duration.ofMillis((long) Math.floor(backoffCap(attempt).toMillis() * uniform));
  }

  /**
   * What to do after the {@code attempt}-th attempt failed with {@code failure}, with {@code
   * uniform} a random number in [0, 1) that draws the jitter.
   */
  public RetryDecision decide(Throwable failure, int attempt, double uniform) {
    if (classify(failure) == FailureClass.FATAL) {
      return new RetryDecision.DeadLetter(DeadLetterReason.FATAL);
    }
    if (attempt >= maxAttempts) {
      return new RetryDecision.DeadLetter(DeadLetterReason.RETRIES_EXHAUSTED);
    }
    Duration delay = backoff(attempt, uniform);
    if (delayTiers.isEmpty() || delay.compareTo(inPlaceThreshold) <= 0) {
      return new RetryDecision.InPlace(delay);
    }
    return new RetryDecision.Delayed(delay, tierFor(delay));
  }

  /** The smallest tier at least {@code delay}, or the largest tier. */
  public Duration tierFor(Duration delay) {
    for (Duration tier : delayTiers) {
      if (tier.compareTo(delay) >= 0) {
        return tier;
      }
    }
    return delayTiers.get(delayTiers.size() - 1);
  }

  private static void requireNonNegative(Duration value, String field) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException(field + " must be a duration of 0 or more, was " + value);
    }
  }

  private static void requireAscendingTiers(List<Duration> tiers, Duration threshold) {
    Duration previous = threshold;
    for (Duration tier : tiers) {
      if (tier == null || tier.compareTo(previous) <= 0 || tier.toNanos() % 1_000_000 != 0) {
        throw new IllegalArgumentException(
            "retry.delayTiers must be whole milliseconds, ascending and above"
                + " retry.inPlaceThreshold ("
                + threshold
                + "), was "
                + tiers);
      }
      previous = tier;
    }
  }

  @SuppressWarnings("unchecked")
  private static void optionalType(String name, List<Class<? extends Throwable>> types) {
    try {
      Class<?> type = Class.forName(name, false, RetryPolicy.class.getClassLoader());
      types.add((Class<? extends Throwable>) type);
    } catch (ClassNotFoundException absent) {
      // Avro is optional on the classpath; without it no Avro failure can occur.
    }
  }
}
