package dev.offload.ops.deadletter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.offload.ops.replay.ReplayProgress;
import dev.offload.runtime.ratelimit.TokenBucket;
import dev.offload.schemas.DeadLetterHeaders;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import dev.offload.schemas.config.ConfigChecks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;

/**
 * Publishes dead letters again to their original topics: original key, value and headers (the
 * {@code offload-dlq-*} ones removed) plus {@value OffloadHeaders#REDRIVE_COUNT}, one more than the
 * record carried. Each redriven dead letter gets an audit record in {@code
 * offload.dlq.<group>.redriven} keyed by its {@link DeadLetter#id() id}.
 *
 * <p>Idempotent: the record and its audit record are written in one Kafka transaction, and dead
 * letters the audit topic already records are skipped. The transactional id is per group, so a
 * second redrive of the same group fences a first one still running, and the audit topic is read
 * only after that fencing has aborted whatever the first left open.
 */
public final class Redriver {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_TRANSACTION_RECORDS = 100;

  private final DeadLetterToolsConfig config;

  /** A redriver with {@code config}. */
  public Redriver(DeadLetterToolsConfig config) {
    this.config = ConfigChecks.check(config);
  }

  /** What {@link #execute} would publish now; changes nothing (the dry run). */
  public RedrivePlan plan(RedriveRequest request) throws InterruptedException {
    try (DeadLetterStore store = DeadLetterStore.connect(config)) {
      return plan(request, store);
    }
  }

  /**
   * Redrives what {@code request} selects, calling {@code progress} every {@link
   * DeadLetterToolsConfig#progressInterval()} and once at the end ({@code done} counts dead letters
   * handled, {@code copied} those published).
   *
   * @throws IllegalStateException when a write fails; the open transaction is aborted, so the
   *     records of earlier committed transactions stay redriven and audited, the rest do not
   */
  public RedriveResult execute(RedriveRequest request, Consumer<ReplayProgress> progress)
      throws InterruptedException {
    Instant start = config.clock().instant();
    try (KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(config.producerProperties(request.group()));
        DeadLetterStore store = DeadLetterStore.connect(config)) {
      producer.initTransactions();
      RedrivePlan plan = plan(request, store);
      if (!plan.toRedrive().isEmpty()) {
        store.createAuditTopicIfMissing(request.group());
      }
      TokenBucket bucket =
          request.ratePerSecond() > 0
              ? TokenBucket.perSecond(request.ratePerSecond(), config.clock())
              : null;
      // About a second of records per transaction, so a slow rate never nears the txn timeout.
      int chunk =
          bucket == null
              ? MAX_TRANSACTION_RECORDS
              : (int) Math.max(1, Math.min(MAX_TRANSACTION_RECORDS, request.ratePerSecond()));
      List<DeadLetter> all = plan.toRedrive();
      Instant lastReport = start;
      long done = 0;
      for (int from = 0; from < all.size(); from += chunk) {
        List<DeadLetter> batch = all.subList(from, Math.min(all.size(), from + chunk));
        publish(producer, request.group(), batch, bucket);
        done += batch.size();
        Instant now = config.clock().instant();
        if (!now.isBefore(lastReport.plus(config.progressInterval()))) {
          lastReport = now;
          progress.accept(new ReplayProgress(done, all.size(), done, Duration.between(start, now)));
        }
      }
      Duration elapsed = Duration.between(start, config.clock().instant());
      progress.accept(new ReplayProgress(done, all.size(), done, elapsed));
      return new RedriveResult(plan, done, elapsed);
    }
  }

  private RedrivePlan plan(RedriveRequest request, DeadLetterStore store)
      throws InterruptedException {
    List<DeadLetter> deadLetters = store.deadLetters(request.group());
    Set<String> redriven = store.redrivenIds(request.group());
    List<DeadLetter> toRedrive = new ArrayList<>();
    long already = 0;
    long unroutable = 0;
    for (DeadLetter d : deadLetters) {
      if (!request.matches(d)) {
        continue;
      }
      if (redriven.contains(d.id())) {
        already++;
      } else if (d.originalTopic() == null) {
        unroutable++;
      } else {
        toRedrive.add(d);
      }
    }
    return new RedrivePlan(request, toRedrive, already, unroutable, deadLetters.size());
  }

  private void publish(
      KafkaProducer<byte[], byte[]> producer,
      String group,
      List<DeadLetter> batch,
      TokenBucket bucket)
      throws InterruptedException {
    producer.beginTransaction();
    try {
      for (DeadLetter d : batch) {
        if (bucket != null) {
          bucket.acquire(1, config.sleeper());
        }
        producer.send(redriven(d));
        producer.send(audit(group, d));
      }
      producer.commitTransaction();
    } catch (ProducerFencedException e) {
      throw new IllegalStateException(
          "another redrive of group " + group + " started and fenced this one", e);
    } catch (KafkaException e) {
      producer.abortTransaction();
      throw new IllegalStateException(
          "redrive of group " + group + " failed; the last batch was rolled back: " + e, e);
    } catch (InterruptedException e) {
      producer.abortTransaction();
      throw e;
    }
  }

  private static ProducerRecord<byte[], byte[]> redriven(DeadLetter d) {
    ProducerRecord<byte[], byte[]> out =
        new ProducerRecord<>(d.originalTopic(), null, null, d.key(), d.value());
    d.originalHeaders().forEach(h -> out.headers().add(h));
    out.headers().add(OffloadHeaders.REDRIVE_COUNT, utf8("" + (d.redriveCount() + 1)));
    return out;
  }

  private ProducerRecord<byte[], byte[]> audit(String group, DeadLetter d) {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("deadLetter", d.id());
    value.put("originalTopic", d.originalTopic());
    value.put("originalPartition", d.header(DeadLetterHeaders.ORIGINAL_PARTITION));
    value.put("originalOffset", d.header(DeadLetterHeaders.ORIGINAL_OFFSET));
    value.put("exceptionClass", d.exceptionClass());
    value.put("redriveCount", d.redriveCount() + 1);
    value.put("redrivenAt", config.clock().instant().toString());
    try {
      return new ProducerRecord<>(
          Topics.redriven(group), utf8(d.id()), JSON.writeValueAsBytes(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the audit record of " + d.id(), e);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
