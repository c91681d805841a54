package dev.offload.consumers.worker.internal;

import dev.offload.consumers.deadletter.DeadLetterReason;
import dev.offload.consumers.deadletter.internal.DeadLetterRecords;
import dev.offload.consumers.retry.FailureClass;
import dev.offload.consumers.retry.RetryDecision;
import dev.offload.consumers.retry.RetryPolicy;
import dev.offload.consumers.retry.internal.RetryRecords;
import dev.offload.consumers.worker.Event;
import dev.offload.consumers.worker.EventHeaders;
import dev.offload.consumers.worker.HandlerBinding;
import dev.offload.runtime.breaker.CircuitBreaker;
import dev.offload.schemas.HeaderValues;
import dev.offload.schemas.Topics;
import dev.offload.schemas.registry.RegistryException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one record through its attempts: deserializes it (poison goes straight to the dead-letter
 * topic), calls the handler, and on failure retries in place, sends it to a delay topic or
 * dead-letters it, as the retry policy decides. Reports the outcome to the {@link Dispatcher}. Logs
 * name the event id and coordinates, never the payload.
 */
public final class RecordProcessor<T> {
  private static final Logger log = LoggerFactory.getLogger(RecordProcessor.class);
  private static final Duration BREAKER_RECHECK = Duration.ofMillis(100);

  /** The first wait before a dead letter that Kafka refused is sent again. */
  static final Duration DEAD_LETTER_BACKOFF = Duration.ofSeconds(1);

  /** The longest wait between tries of a refused dead letter. */
  static final Duration DEAD_LETTER_BACKOFF_MAX = Duration.ofSeconds(30);

  /** How often a record held for an unreachable schema registry tries again. */
  static final Duration REGISTRY_RECHECK = Duration.ofSeconds(2);

  private static final long REGISTRY_WARN_EVERY_NANOS = Duration.ofSeconds(30).toNanos();
  private static final AtomicLong lastRegistryWarning =
      new AtomicLong(System.nanoTime() - REGISTRY_WARN_EVERY_NANOS);

  private final HandlerBinding<T> binding;
  private final String group;
  private final RetryPolicy policy;
  private final Producer<byte[], byte[]> producer;
  private final Dispatcher dispatcher;
  private final WorkerRuntime runtime;

  /** A processor that reports to {@code dispatcher} and publishes with {@code producer}. */
  public RecordProcessor(
      HandlerBinding<T> binding,
      String group,
      RetryPolicy policy,
      Producer<byte[], byte[]> producer,
      Dispatcher dispatcher,
      WorkerRuntime runtime) {
    this.binding = binding;
    this.group = group;
    this.policy = policy;
    this.producer = producer;
    this.dispatcher = dispatcher;
    this.runtime = runtime;
  }

  /** Runs the current attempt of {@code item}. */
  public void attempt(WorkItem item) {
    Event<T> event;
    try {
      event = toEvent(item);
    } catch (RuntimeException e) {
      RegistryException unreachable = unreachableRegistry(e);
      if (unreachable != null) {
        holdForRegistry(item, unreachable);
      } else {
        failed(item, e, true);
      }
      return;
    }
    CircuitBreaker breaker = binding.breaker();
    if (breaker != null && !breaker.tryAcquire()) {
      holdForBreaker(item, breaker);
      return;
    }
    long started = System.nanoTime();
    invoke(event)
        .whenComplete(
            (ok, error) -> {
              runtime.metrics().latency(System.nanoTime() - started);
              if (error == null) {
                if (breaker != null) {
                  breaker.onSuccess();
                }
                runtime.metrics().handled();
                dispatcher.completed(item);
              } else if (sinkIsDown(breaker, unwrap(error))) {
                runtime.metrics().failed();
                holdForBreaker(item, breaker);
              } else {
                failed(item, unwrap(error), false);
              }
            });
  }

  /**
   * Reports a failure to the breaker: a retryable one counts against the sink, a fatal one shows
   * the sink answered. True when the breaker is not closed afterwards: the failure is the sink's,
   * and the record waits for the breaker without spending an attempt.
   */
  private boolean sinkIsDown(CircuitBreaker breaker, Throwable failure) {
    if (breaker == null) {
      return false;
    }
    if (policy.classify(failure) == FailureClass.RETRYABLE) {
      return breaker.onSinkFailure();
    }
    breaker.onSuccess();
    return false;
  }

  /**
   * The registry's failure behind a record that could not be read when the registry did not answer
   * (or answered 5xx): the record is not poison, its schema could not be fetched. Null otherwise.
   */
  private static RegistryException unreachableRegistry(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof RegistryException e) {
        return e.isRetryable() ? e : null;
      }
    }
    return null;
  }

  /**
   * Holds a record whose schema the registry could not give, in place and without spending an
   * attempt, as for a sink that is down: a registry outage delays records, it never dead-letters
   * them.
   */
  private void holdForRegistry(WorkItem item, RegistryException failure) {
    runtime.metrics().heldForRegistry();
    long now = System.nanoTime();
    long last = lastRegistryWarning.get();
    if (now - last >= REGISTRY_WARN_EVERY_NANOS && lastRegistryWarning.compareAndSet(last, now)) {
      log.warn(
          "The schema registry does not answer ({}); records whose schema is not cached wait for"
              + " it, retrying every {}",
          failure.getMessage(),
          REGISTRY_RECHECK);
    } else {
      log.debug("Holding {} for the schema registry: {}", item, failure.getMessage());
    }
    waitThenRetry(item, REGISTRY_RECHECK, false);
  }

  /** Waits in place, keeping the record's slot and lane, until the breaker may let it through. */
  private void holdForBreaker(WorkItem item, CircuitBreaker breaker) {
    runtime.metrics().heldByBreaker();
    Duration wait = breaker.untilProbe();
    waitThenRetry(item, wait.compareTo(BREAKER_RECHECK) < 0 ? BREAKER_RECHECK : wait, false);
  }

  private Event<T> toEvent(WorkItem item) {
    ConsumerRecord<byte[], byte[]> r = item.record();
    T value;
    try {
      value = binding.deserializer().deserialize(item.origin().topic(), r.headers(), r.value());
    } catch (SerializationException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new SerializationException("Cannot deserialize the value at " + item.origin(), e);
    }
    String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    return new Event<>(
        key,
        value,
        EventHeaders.from(r.headers(), item.attempt()),
        item.origin().topic(),
        item.origin().partition(),
        item.origin().offset(),
        Math.max(0, r.serializedKeySize()) + Math.max(0, r.serializedValueSize()));
  }

  private CompletionStage<Void> invoke(Event<T> event) {
    try {
      CompletionStage<Void> stage = binding.handler().handle(event);
      return stage != null
          ? stage
          : CompletableFuture.failedFuture(new IllegalStateException("handler returned no stage"));
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void failed(WorkItem item, Throwable failure, boolean poison) {
    Instant now = runtime.clock().instant();
    item.failedAt(now);
    runtime.metrics().failed();
    RetryDecision decision =
        poison
            ? new RetryDecision.DeadLetter(DeadLetterReason.DESERIALIZATION)
            : policy.decide(failure, item.attempt(), runtime.jitter().getAsDouble());
    if (decision instanceof RetryDecision.InPlace inPlace) {
      logRetry(item, failure, inPlace.delay(), "in place");
      runtime.metrics().retried();
      waitInPlace(item, inPlace.delay());
    } else if (decision instanceof RetryDecision.Delayed delayed) {
      logRetry(item, failure, delayed.delay(), "through " + Topics.delayLabel(delayed.tier()));
      runtime.metrics().retried();
      sendToDelayTopic(item, delayed, now);
    } else {
      deadLetter(
          item, ((RetryDecision.DeadLetter) decision).reason(), failure, DEAD_LETTER_BACKOFF);
    }
  }

  private void waitInPlace(WorkItem item, Duration delay) {
    waitThenRetry(item, delay, true);
  }

  private void waitThenRetry(WorkItem item, Duration delay, boolean nextAttempt) {
    if (!dispatcher.retryWaiting(item)) {
      log.debug("Dropped the retry of {}: stopping or revoked", item);
      return;
    }
    try {
      runtime.scheduler().schedule(delay, () -> retryNow(item, nextAttempt));
    } catch (RejectedExecutionException e) {
      if (dispatcher.retryDue(item)) {
        dispatcher.abandoned(item);
      }
    }
  }

  private void retryNow(WorkItem item, boolean nextAttempt) {
    if (!dispatcher.retryDue(item)) {
      return;
    }
    if (nextAttempt) {
      item.nextAttempt();
    }
    try {
      runtime.executor().execute(() -> attempt(item));
    } catch (RejectedExecutionException e) {
      dispatcher.abandoned(item);
    }
  }

  private void sendToDelayTopic(WorkItem item, RetryDecision.Delayed delayed, Instant now) {
    String topic = Topics.retry(group, delayed.tier());
    int next = item.attempt() + 1;
    ProducerRecord<byte[], byte[]> retry =
        RetryRecords.build(
            item.record(),
            item.origin(),
            topic,
            partitionFor(topic, item),
            next,
            now.plus(delayed.delay()),
            item.firstFailedAt());
    dispatcher.parking(item);
    try {
      producer.send(
          retry,
          (metadata, error) -> {
            if (error == null) {
              dispatcher.delayed(
                  item,
                  new TopicPartition(metadata.topic(), metadata.partition()),
                  metadata.offset());
            } else {
              delayFailed(item, delayed.delay(), error);
            }
          });
    } catch (RuntimeException e) {
      delayFailed(item, delayed.delay(), e);
    }
  }

  /**
   * A partition of the delay topic this worker reads, so the retry most likely comes back here and
   * its lane moves on as soon as it is done; anywhere else, the lane waits for the group's commit.
   */
  private Integer partitionFor(String topic, WorkItem item) {
    List<TopicPartition> owned = dispatcher.assignedPartitions(topic);
    if (owned.isEmpty()) {
      return null;
    }
    return owned.get(Math.floorMod(item.lane().hashCode(), owned.size())).partition();
  }

  private void delayFailed(WorkItem item, Duration delay, Throwable error) {
    log.warn(
        "Could not publish the retry of event {} at {} ({}); retrying in place",
        eventId(item),
        item.origin(),
        error.toString());
    dispatcher.delayFailed(item);
    waitInPlace(item, delay);
  }

  private void deadLetter(
      WorkItem item, DeadLetterReason reason, Throwable failure, Duration backoff) {
    log.warn(
        "Dead-lettering event {} at {} after {} attempt(s): {} ({})",
        eventId(item),
        item.origin(),
        item.attempt(),
        reason.headerValue(),
        failure.getClass().getName());
    ProducerRecord<byte[], byte[]> letter =
        DeadLetterRecords.build(
            item.record(),
            item.origin(),
            group,
            reason,
            failure,
            item.attempt(),
            item.firstFailedAt(),
            item.lastFailedAt());
    try {
      producer.send(
          letter,
          (metadata, error) -> {
            if (error == null) {
              runtime.metrics().deadLettered(reason);
              dispatcher.completed(item);
            } else {
              deadLetterFailed(item, reason, failure, error, backoff);
            }
          });
    } catch (RuntimeException e) {
      deadLetterFailed(item, reason, failure, e, backoff);
    }
  }

  /**
   * Tries the dead letter again after {@code backoff} (doubling up to {@link
   * #DEAD_LETTER_BACKOFF_MAX}), the record holding its key and its partition's commits meanwhile:
   * while Kafka refuses the letter, nothing behind it is committed, and nothing is lost.
   */
  private void deadLetterFailed(
      WorkItem item,
      DeadLetterReason reason,
      Throwable failure,
      Throwable error,
      Duration backoff) {
    log.warn(
        "Could not dead-letter event {} at {} ({}); trying again in {} ms, its key waiting",
        eventId(item),
        item.origin(),
        error.toString(),
        backoff.toMillis());
    if (!dispatcher.retryWaiting(item)) {
      log.debug("Dropped the dead letter of {}: stopping or revoked; it is redelivered", item);
      return;
    }
    Duration next = backoff.multipliedBy(2);
    Duration capped = next.compareTo(DEAD_LETTER_BACKOFF_MAX) > 0 ? DEAD_LETTER_BACKOFF_MAX : next;
    try {
      runtime
          .scheduler()
          .schedule(
              backoff,
              () -> {
                if (dispatcher.retryDue(item)) {
                  deadLetter(item, reason, failure, capped);
                }
              });
    } catch (RejectedExecutionException e) {
      if (dispatcher.retryDue(item)) {
        dispatcher.abandoned(item);
      }
    }
  }

  private void logRetry(WorkItem item, Throwable failure, Duration delay, String how) {
    log.warn(
        "Event {} at {} failed attempt {} with {}: {}; retrying in {} ms {}",
        eventId(item),
        item.origin(),
        item.attempt(),
        failure.getClass().getName(),
        failure.getMessage(),
        delay.toMillis(),
        how);
  }

  private static String eventId(WorkItem item) {
    return HeaderValues.eventId(item.record().headers());
  }

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
