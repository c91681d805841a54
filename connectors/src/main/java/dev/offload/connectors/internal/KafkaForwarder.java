package dev.offload.connectors.internal;

import dev.offload.runtime.tracing.KafkaSpans;
import dev.offload.runtime.tracing.Tracing;
import dev.offload.schemas.OffloadHeaders;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's change consumer: produces each routed outbox event and each change of a captured
 * table to Kafka and marks a batch processed only once Kafka has acknowledged all of it.
 *
 * <p>Records that are neither (heartbeats, signals) are not produced but are marked, so the
 * recorded position moves on while the outbox is quiet. When Kafka does not acknowledge a record
 * for a reason that may pass (the broker down or unreachable longer than the producer's delivery
 * timeout: a retriable error), nothing of the batch is marked and the unacknowledged records are
 * sent again with backoff, in capture order, until Kafka takes them: the connector resumes by
 * itself when the broker is back. A record acknowledged late may then be on its topic twice;
 * consumers deduplicate by event id. A refusal that cannot pass (authentication, authorization, a
 * record too large) stops the engine with nothing of the batch marked, naming the event: the batch
 * is captured again after a restart.
 */
public final class KafkaForwarder
    implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {
  private static final Logger log = LoggerFactory.getLogger(KafkaForwarder.class);

  /** The first wait before records Kafka refused are sent again. */
  static final Duration RESEND_BACKOFF = Duration.ofMillis(500);

  /** The longest wait between sends of records Kafka keeps refusing. */
  static final Duration RESEND_BACKOFF_MAX = Duration.ofSeconds(30);

  private final Producer<byte[], byte[]> producer;
  private final ConnectorMetrics metrics;
  private final ChangeRecords changes;
  private final Tracer tracer;

  /** Forwards to {@code producer}, which must be idempotent with {@code acks=all}. */
  public KafkaForwarder(Producer<byte[], byte[]> producer, ConnectorMetrics metrics) {
    this(producer, metrics, null, Tracing.off().tracer(TRACER));
  }

  /**
   * Forwards outbox events and, through {@code changes} (may be null), table changes, recording
   * each event's capture in {@code tracer}.
   */
  public KafkaForwarder(
      Producer<byte[], byte[]> producer,
      ConnectorMetrics metrics,
      ChangeRecords changes,
      Tracer tracer) {
    this.producer = producer;
    this.metrics = metrics;
    this.changes = changes;
    this.tracer = tracer;
  }

  /** The instrumentation scope of the connector's spans. */
  public static final String TRACER = "dev.offload.connector";

  @Override
  public void handleBatch(
      List<RecordChangeEvent<SourceRecord>> batch,
      DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
      throws InterruptedException {
    List<ProducerRecord<byte[], byte[]>> outs = new ArrayList<>(batch.size());
    List<Future<RecordMetadata>> acks = new ArrayList<>(batch.size());
    for (RecordChangeEvent<SourceRecord> change : batch) {
      ProducerRecord<byte[], byte[]> out = toProducerRecord(change.record());
      outs.add(out);
      acks.add(out == null ? null : send(out));
    }
    // flush() sends what linger.ms would still hold back; then every ack is in (or failed).
    producer.flush();
    Duration backoff = RESEND_BACKOFF;
    List<Integer> failed;
    while (!(failed = unacknowledged(acks, batch)).isEmpty()) {
      // Nothing of the batch is marked yet: while Kafka refuses, keep the batch and send what it
      // did not acknowledge again, in capture order, until it does (or the engine stops).
      Thread.sleep(backoff.toMillis());
      for (int i : failed) {
        acks.set(i, send(outs.get(i)));
      }
      producer.flush();
      backoff =
          backoff.multipliedBy(2).compareTo(RESEND_BACKOFF_MAX) > 0
              ? RESEND_BACKOFF_MAX
              : backoff.multipliedBy(2);
    }
    // Only now, in capture order, may the positions of these records be recorded.
    for (RecordChangeEvent<SourceRecord> change : batch) {
      committer.markProcessed(change);
    }
    committer.markBatchFinished();
    for (int i = 0; i < batch.size(); i++) {
      if (acks.get(i) != null) {
        countDelivered(batch.get(i).record());
        traceCapture(batch.get(i).record(), acks.get(i));
      }
    }
  }

  /**
   * A span of an event's capture, from the commit of the transaction that wrote it (the time the
   * event was written when Debezium names no commit time) to Kafka's acknowledgement, a child of
   * the span its {@code traceparent} names.
   */
  private void traceCapture(SourceRecord record, Future<RecordMetadata> ack) {
    if (!Tracing.records(tracer) || !OutboxRecords.isEvent(record)) {
      return;
    }
    Optional<Instant> committed =
        OutboxRecords.committedAt(record).or(() -> OutboxRecords.occurredAt(record));
    SpanBuilder span =
        tracer
            .spanBuilder("outbox capture")
            .setSpanKind(SpanKind.PRODUCER)
            .setParent(
                Tracing.parent(
                    OutboxRecords.header(record, OffloadHeaders.TRACEPARENT).orElse(null)))
            .setAttribute(
                Tracing.EVENT_ID, OutboxRecords.header(record, OffloadHeaders.EVENT_ID).orElse(""))
            .setAllAttributes(KafkaSpans.CURRENT.send());
    committed.ifPresent(t -> span.setStartTimestamp(t));
    try {
      RecordMetadata m = ack.get();
      span.setAllAttributes(KafkaSpans.CURRENT.record(m.topic(), m.partition(), m.offset()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // acknowledged: unacknowledged() found no failure
    }
    span.startSpan().end();
  }

  private ProducerRecord<byte[], byte[]> toProducerRecord(SourceRecord record) {
    if (OutboxRecords.isEvent(record)) {
      return OutboxRecords.toProducerRecord(record);
    }
    if (changes != null && changes.capturedTable(record) != null) {
      return changes.toProducerRecord(record);
    }
    return null;
  }

  private void countDelivered(SourceRecord record) {
    if (OutboxRecords.isEvent(record)) {
      metrics.delivered(
          OutboxRecords.header(record, OffloadHeaders.EVENT_TYPE).orElse("unknown"),
          OutboxRecords.occurredAt(record).orElse(null));
    } else {
      metrics.changeDelivered(
          changes.capturedTable(record),
          ChangeRecords.op(record),
          ChangeRecords.sourceTime(record));
    }
  }

  /** A send that throws (no metadata while the broker is away, say) fails like a refused ack. */
  private Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> out) {
    try {
      return producer.send(out);
    } catch (KafkaException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The indexes of the records Kafka did not acknowledge, each logged. */
  private List<Integer> unacknowledged(
      List<Future<RecordMetadata>> acks, List<RecordChangeEvent<SourceRecord>> batch)
      throws InterruptedException {
    List<Integer> failed = new ArrayList<>();
    for (int i = 0; i < acks.size(); i++) {
      Future<RecordMetadata> ack = acks.get(i);
      if (ack == null) {
        continue;
      }
      try {
        ack.get();
      } catch (ExecutionException e) {
        SourceRecord record = batch.get(i).record();
        if (!(e.getCause() instanceof RetriableException)) {
          // Refused for good (a wrong login, no permission, a record too large): trying again
          // cannot help, so the engine stops and says why.
          throw new DeliveryFailedException(
              "Kafka did not acknowledge event "
                  + OutboxRecords.header(record, OffloadHeaders.EVENT_ID).orElse("?")
                  + " on "
                  + record.topic()
                  + "; stopping so the batch is captured again after a restart",
              e.getCause());
        }
        if (failed.isEmpty()) {
          log.warn(
              "Kafka did not acknowledge event {} on {} ({}); sending the unacknowledged records of"
                  + " the batch again, nothing of it recorded as captured until Kafka takes them",
              OutboxRecords.header(record, OffloadHeaders.EVENT_ID).orElse("?"),
              record.topic(),
              e.getCause().toString());
        }
        failed.add(i);
        metrics.resent();
      }
    }
    return failed;
  }

  /** A record Kafka refused for good; it stops the engine with nothing of its batch marked. */
  public static final class DeliveryFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DeliveryFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
