package dev.offload.ops.replay;

import dev.offload.runtime.ratelimit.TokenBucket;
import dev.offload.schemas.HeaderValues;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.config.ConfigChecks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Copies exactly the records of a {@link ReplayPlan} into the request's target topic: key, value,
 * headers and timestamp kept, plus an {@value OffloadHeaders#REPLAY_ID} header with one UUID per
 * run. The target partition follows the key (the producer's default partitioner), so per-key order
 * holds. Optional filters (key, event type) skip records; the rate limit counts copied records.
 *
 * <p>Reads with {@code read_committed} and no consumer group, so no one's offsets move. An
 * interrupted run leaves the records copied so far, all carrying its replay id.
 *
 * <p>Sends are not waited for one by one: the producer is flushed before every progress report and
 * at the end, so a reported count only ever counts acknowledged records, and the first failed send
 * (seen by its callback, checked after every poll and at every flush) fails the whole run. A record
 * is never skipped: a run that returns has had every copy acknowledged.
 */
public final class Replayer {
  private static final Duration POLL = Duration.ofMillis(200);

  private final ReplayerConfig config;

  /** A replayer with {@code config}. */
  public Replayer(ReplayerConfig config) {
    this.config = ConfigChecks.check(config);
  }

  /**
   * Runs {@code plan}, calling {@code progress} every {@link ReplayerConfig#progressInterval()} and
   * once at the end.
   *
   * @throws IllegalStateException when a write fails or a partition makes no progress for {@link
   *     ReplayerConfig#idleTimeout()}
   */
  public ReplayResult execute(ReplayPlan plan, Consumer<ReplayProgress> progress)
      throws InterruptedException {
    return new Run(plan, progress).execute();
  }

  /** The state of one replay run. */
  private final class Run {
    private final UUID replayId = UUID.randomUUID();
    private final ReplayPlan plan;
    private final ReplayRequest request;
    private final Consumer<ReplayProgress> listener;
    private final TokenBucket bucket;
    private final byte[] key;
    private final Map<TopicPartition, PartitionRange> active = new HashMap<>();
    private final Map<TopicPartition, Long> reached = new HashMap<>();
    private final AtomicReference<Exception> sendError = new AtomicReference<>();
    private final Instant start = config.clock().instant();
    private Instant lastReport = start;
    private long lastAdvance = System.nanoTime();
    private long copied;
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> producer;

    Run(ReplayPlan plan, Consumer<ReplayProgress> listener) {
      this.plan = plan;
      this.request = plan.request();
      this.listener = listener;
      this.bucket =
          request.ratePerSecond() > 0
              ? TokenBucket.perSecond(request.ratePerSecond(), config.clock())
              : null;
      this.key = request.key() == null ? null : request.key().getBytes(StandardCharsets.UTF_8);
      for (PartitionRange range : plan.ranges()) {
        TopicPartition tp = new TopicPartition(request.topic(), range.partition());
        reached.put(tp, range.from());
        if (range.count() > 0) {
          active.put(tp, range);
        }
      }
    }

    ReplayResult execute() throws InterruptedException {
      try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(config.consumerProperties());
          KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(config.producerProperties())) {
        consumer = c;
        producer = p;
        consumer.assign(active.keySet());
        active.forEach((tp, range) -> consumer.seek(tp, range.from()));
        while (!active.isEmpty()) {
          copy(consumer.poll(POLL));
          failOnSendError();
          finishCompletedPartitions();
          failIfIdle();
        }
        // Every copy acknowledged before the run counts as done.
        flushAndCheck();
      }
      ReplayProgress last = progress();
      listener.accept(last);
      return new ReplayResult(replayId, request.into(), last.done(), copied, last.elapsed());
    }

    private void copy(ConsumerRecords<byte[], byte[]> records) throws InterruptedException {
      for (TopicPartition tp : records.partitions()) {
        PartitionRange range = active.get(tp);
        for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
          if (range == null || record.offset() >= range.to()) {
            break;
          }
          if (matches(record)) {
            if (bucket != null) {
              bucket.acquire(1, config.sleeper());
            }
            producer.send(copyOf(record), (metadata, e) -> sendError.compareAndSet(null, e));
            copied++;
          }
          advance(tp, record.offset() + 1);
          reportIfDue();
        }
      }
    }

    private boolean matches(ConsumerRecord<byte[], byte[]> record) {
      if (key != null && !Arrays.equals(key, record.key())) {
        return false;
      }
      if (request.eventType() == null) {
        return true;
      }
      return request
          .eventType()
          .equals(HeaderValues.text(record.headers(), OffloadHeaders.EVENT_TYPE));
    }

    private ProducerRecord<byte[], byte[]> copyOf(ConsumerRecord<byte[], byte[]> record) {
      Long timestamp = record.timestamp() >= 0 ? record.timestamp() : null;
      ProducerRecord<byte[], byte[]> out =
          new ProducerRecord<>(request.into(), null, timestamp, record.key(), record.value());
      record.headers().forEach(h -> out.headers().add(h));
      out.headers()
          .add(OffloadHeaders.REPLAY_ID, replayId.toString().getBytes(StandardCharsets.UTF_8));
      return out;
    }

    // Transaction markers and compacted-away offsets leave gaps: the position says how far we are.
    private void finishCompletedPartitions() {
      for (Map.Entry<TopicPartition, PartitionRange> e : List.copyOf(active.entrySet())) {
        TopicPartition tp = e.getKey();
        advance(tp, Math.min(consumer.position(tp), e.getValue().to()));
        if (reached.get(tp) >= e.getValue().to()) {
          active.remove(tp);
          consumer.pause(List.of(tp));
        }
      }
    }

    private void advance(TopicPartition tp, long offset) {
      if (offset > reached.get(tp)) {
        reached.put(tp, offset);
        lastAdvance = System.nanoTime();
      }
    }

    /** Waits until every record sent so far is acknowledged, then fails on any failed send. */
    private void flushAndCheck() {
      producer.flush();
      failOnSendError();
    }

    private void failOnSendError() {
      Exception e = sendError.get();
      if (e != null) {
        throw new IllegalStateException(
            "replay "
                + replayId
                + " into "
                + request.into()
                + " failed after "
                + copied
                + " records: "
                + e.getMessage(),
            e);
      }
    }

    private void failIfIdle() {
      if (System.nanoTime() - lastAdvance > config.idleTimeout().toNanos()) {
        StringBuilder where = new StringBuilder();
        active.forEach(
            (tp, range) ->
                where
                    .append(' ')
                    .append(tp)
                    .append(" at ")
                    .append(reached.get(tp))
                    .append(" of [")
                    .append(range.from())
                    .append(", ")
                    .append(range.to())
                    .append(')'));
        throw new IllegalStateException(
            "replay " + replayId + " made no progress for " + config.idleTimeout() + ":" + where);
      }
    }

    private void reportIfDue() {
      Instant now = config.clock().instant();
      if (!now.isBefore(lastReport.plus(config.progressInterval()))) {
        // A report is a checkpoint: what it counts as copied has been acknowledged.
        flushAndCheck();
        lastReport = now;
        listener.accept(progress());
      }
    }

    private ReplayProgress progress() {
      long done = 0;
      for (PartitionRange range : plan.ranges()) {
        done += reached.get(new TopicPartition(request.topic(), range.partition())) - range.from();
      }
      Duration elapsed = Duration.between(start, config.clock().instant());
      return new ReplayProgress(done, plan.total(), copied, elapsed);
    }
  }
}
