package dev.offload.consumers.worker.internal;

import dev.offload.consumers.backpressure.internal.PauseController;
import dev.offload.consumers.retry.internal.DelayHolds;
import dev.offload.consumers.retry.internal.DelayTopicReader;
import dev.offload.consumers.worker.HandlerBinding;
import dev.offload.consumers.worker.WorkerMetricNames;
import dev.offload.consumers.worker.WorkerOptions;
import dev.offload.runtime.breaker.CircuitBreaker;
import dev.offload.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The polling side of a worker, run by one thread that alone touches the consumer: polls (also
 * while paused, so the member stays in its group), feeds the {@link Dispatcher}, holds delay-topic
 * records until due, keeps keys parked for their retries ({@link RetryParking}), pauses and resumes
 * by the watermarks, commits done offsets on a timer, on revocation and on shutdown.
 */
public final class WorkerEngine implements ConsumerRebalanceListener {
  private static final Logger log = LoggerFactory.getLogger(WorkerEngine.class);

  private final WorkerOptions options;
  private final Consumer<byte[], byte[]> consumer;
  private final WorkerRuntime runtime;
  private final Dispatcher dispatcher;
  private final DelayHolds holds;
  private final PauseController pauses;
  private final CircuitBreaker breaker;
  private final RetryParking parking;
  private final boolean readsDelayTopics;
  private Instant nextCommit;

  /** Commits failed in a row, and when the first of them failed (nanoTime); poll thread only. */
  private int failedCommits;

  private long failingSince;
  private boolean closing;

  /**
   * An engine for {@code binding} on the given clients; call {@link #subscribe} first.
   *
   * @param delayReader a consumer with no group that reads the delay topics for {@link
   *     RetryParking}, owned by the caller; {@code null} reads nothing (mock clients)
   */
  public <T> WorkerEngine(
      WorkerOptions options,
      HandlerBinding<T> binding,
      Consumer<byte[], byte[]> consumer,
      Producer<byte[], byte[]> producer,
      Consumer<byte[], byte[]> delayReader,
      WorkerRuntime runtime) {
    this(options, binding, consumer, producer, delayReader, runtime, true);
  }

  /**
   * An engine that reads its delay topics only when {@code readsDelayTopics}; a replay lane does
   * not, its retries come back through the live engine of the same group.
   */
  public <T> WorkerEngine(
      WorkerOptions options,
      HandlerBinding<T> binding,
      Consumer<byte[], byte[]> consumer,
      Producer<byte[], byte[]> producer,
      Consumer<byte[], byte[]> delayReader,
      WorkerRuntime runtime,
      boolean readsDelayTopics) {
    this.readsDelayTopics = readsDelayTopics;
    this.options = options;
    this.consumer = consumer;
    this.runtime = runtime;
    FailurePolicy failures = new FailurePolicy(options.retry(), binding.breaker(), runtime);
    this.dispatcher =
        new Dispatcher(
            options.maxInFlight(),
            options::isSourceTopic,
            new RecordProcessor<>(
                binding, failures, runtime.metrics(), runtime.tracer(), options.group()),
            new FailedRecordPublisher(options.group(), producer),
            runtime);
    this.holds = new DelayHolds(options.group());
    this.pauses = new PauseController(options.watermarks());
    this.nextCommit = runtime.clock().instant().plus(options.commitInterval());
    WorkerMetrics metrics = runtime.metrics();
    this.parking =
        new RetryParking(
            dispatcher,
            new DelayTopicReader(
                consumer, delayReader, options.retry().delayTopics(options.group())),
            this::item,
            options.commitInterval(),
            options.pollTimeout(),
            metrics::delayRecordRead);
    metrics.gauge(
        WorkerMetricNames.PARKED_RETRIES,
        "Records in delay topics whose key this worker keeps parked",
        dispatcher::pendingRetries);
    metrics.gauge(WorkerMetricNames.IN_FLIGHT, "Records in flight", dispatcher::inFlight);
    metrics.gauge(WorkerMetricNames.BUFFERED, "Records waiting", this::buffered);
    metrics.gauge(WorkerMetricNames.PAUSED_PARTITIONS, "Paused partitions", pauses::pausedCount);
    this.breaker = binding.breaker();
    if (breaker != null) {
      metrics.gauge(
          WorkerMetricNames.BREAKER_STATE,
          "Circuit breaker state: 0 closed, 1 open, 2 half-open",
          () -> breaker.state().gaugeValue());
    }
  }

  /** The topics this worker reads: its own and its delay topics. */
  public List<String> topics() {
    List<String> topics = new ArrayList<>(options.topics());
    if (readsDelayTopics) {
      topics.addAll(options.retry().delayTopics(options.group()));
    }
    return topics;
  }

  /**
   * Subscribes the consumer to {@link #topics()} and, when the options have one, to the topics
   * matching their pattern, with this engine as rebalance listener.
   */
  public void subscribe() {
    if (options.topicPattern() == null) {
      consumer.subscribe(topics(), this);
      return;
    }
    StringBuilder any =
        new StringBuilder("(?:").append(options.topicPattern().pattern()).append(')');
    topics().forEach(topic -> any.append("|").append(Pattern.quote(topic)));
    consumer.subscribe(Pattern.compile(any.toString()), this);
  }

  /** One turn of the loop: poll, take records in, pause or resume, commit when due. */
  public void runOnce() {
    Instant now = runtime.clock().instant();
    if (parking.checkIfDue(now)) {
      applyPauses(); // resume the partitions that were waiting for the delay topics' read
    }
    var records = consumer.poll(pollTimeout(now));
    now = runtime.clock().instant();
    List<WorkItem> items = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      holds.offer(record, now).forEach(r -> items.add(item(r)));
    }
    holds.releaseDue(now).forEach(r -> items.add(item(r)));
    dispatcher.accept(items);
    int load = dispatcher.inFlight() + buffered();
    pauses.pauseIfSaturated(load);
    pauses.resumeIfDrained(load);
    applyPauses();
    commitIfDue(now);
  }

  private void applyPauses() {
    Set<TopicPartition> held = new HashSet<>(holds.partitions());
    held.addAll(parking.unscanned());
    // An open breaker pauses every partition; polling goes on so the member stays in its group.
    pauses.apply(consumer, held, breaker != null && breaker.isOpen());
  }

  /**
   * Stops: starts nothing more, pauses everything, waits up to the shutdown timeout for in-flight
   * records and commits what is done. The caller closes the clients afterwards.
   */
  public void shutdown() {
    closing = true;
    dispatcher.stop();
    pauses.apply(consumer, Set.of(), true);
    if (!dispatcher.awaitIdle(options.shutdownTimeout())) {
      log.warn(
          "Worker {} stopped with {} records in flight after {}; they will be redelivered",
          options.group(),
          dispatcher.inFlight(),
          options.shutdownTimeout());
    }
    commitSync(dispatcher.takeCommittable());
    runtime.metrics().close();
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    if (!partitions.isEmpty()) {
      log.info("Worker {} assigned {}", options.group(), partitions);
    }
    dispatcher.assigned(partitions);
    Set<TopicPartition> waiting = parking.assigned(partitions);
    if (!waiting.isEmpty()) {
      // Paused here, inside poll, so that this poll returns none of their records.
      consumer.pause(waiting);
    }
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    log.info("Worker {} revoked {}", options.group(), partitions);
    holds.drop(partitions);
    parking.revoked(partitions);
    // Waiting happens inside poll(): stay well within max.poll.interval.ms.
    Duration wait = closing ? Duration.ZERO : options.revokeWait();
    commitSync(dispatcher.revoke(partitions, wait));
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    log.warn("Worker {} lost {}", options.group(), partitions);
    holds.drop(partitions);
    parking.revoked(partitions);
    dispatcher.revoke(partitions, Duration.ZERO);
  }

  /** Records in flight, for tests and the gauge. */
  public int inFlight() {
    return dispatcher.inFlight();
  }

  /** Records fetched and waiting, held retries included. */
  public int buffered() {
    return dispatcher.buffered() + holds.size();
  }

  private WorkItem item(ConsumerRecord<byte[], byte[]> record) {
    boolean delayed = Topics.isRetry(options.group(), record.topic());
    return WorkItem.of(record, options.ordering(), delayed);
  }

  private Duration pollTimeout(Instant now) {
    Duration timeout = options.pollTimeout();
    var due = holds.nextDue();
    if (due.isPresent()) {
      Duration untilDue = Duration.between(now, due.get());
      if (untilDue.compareTo(timeout) < 0) {
        timeout = untilDue.isNegative() ? Duration.ZERO : untilDue;
      }
    }
    return timeout;
  }

  private void commitIfDue(Instant now) {
    if (now.isBefore(nextCommit)) {
      return;
    }
    nextCommit = now.plus(options.commitInterval());
    dispatcher.drainedTo(positions());
    Map<TopicPartition, OffsetAndMetadata> offsets = dispatcher.takeCommittable();
    if (offsets.isEmpty()) {
      return;
    }
    consumer.commitAsync(
        offsets,
        (committed, error) -> {
          if (error != null) {
            commitFailed(error);
            dispatcher.commitFailed(offsets);
          } else {
            commitSucceeded();
          }
        });
  }

  /**
   * Says so once when commits start failing (the broker away, a rebalance), not at every commit
   * interval; the rest of the streak is logged at debug level.
   */
  private void commitFailed(Exception error) {
    if (failedCommits++ == 0) {
      failingSince = System.nanoTime();
      log.warn(
          "Worker {} could not commit: {}; retrying every {} ms, and saying so once it commits"
              + " again",
          options.group(),
          error.toString(),
          options.commitInterval().toMillis());
    } else {
      log.debug("Worker {} could not commit: {}", options.group(), error.toString());
    }
  }

  private void commitSucceeded() {
    if (failedCommits > 0) {
      log.info(
          "Worker {} commits again, after {} failed commits over {} ms",
          options.group(),
          failedCommits,
          (System.nanoTime() - failingSince) / 1_000_000);
      failedCommits = 0;
    }
  }

  /**
   * The consumer's positions on the assigned partitions whose records it has all handed over (not
   * those with delay-topic records held back until due); a position not known locally is left out.
   */
  private Map<TopicPartition, Long> positions() {
    Set<TopicPartition> held = new HashSet<>(holds.partitions());
    Map<TopicPartition, Long> positions = new HashMap<>();
    for (TopicPartition tp : consumer.assignment()) {
      if (held.contains(tp)) {
        continue;
      }
      try {
        positions.put(tp, consumer.position(tp, Duration.ZERO));
      } catch (KafkaException | IllegalStateException e) {
        // No position yet (nothing fetched since the assignment): nothing to move.
      }
    }
    return positions;
  }

  private void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
    if (offsets.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(offsets);
    } catch (KafkaException e) {
      log.warn("Worker {} could not commit {}: {}", options.group(), offsets, e.toString());
      dispatcher.commitFailed(offsets);
    }
  }
}
