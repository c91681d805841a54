package dev.offload.connectors.internal;

import dev.offload.schemas.OffloadHeaders;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The engine's change consumer: produces each routed outbox event and each change of a captured
 * table to Kafka and marks a batch processed only once Kafka has acknowledged all of it.
 *
 * <p>Records that are neither (heartbeats, signals) are not produced but are marked, so the
 * recorded position moves on while the outbox is quiet. When a send fails nothing of the batch is
 * marked and the exception stops the engine: the batch is captured again after a restart.
 */
public final class KafkaForwarder
    implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {
  private final Producer<byte[], byte[]> producer;
  private final ConnectorMetrics metrics;
  private final ChangeRecords changes;

  /** Forwards to {@code producer}, which must be idempotent with {@code acks=all}. */
  public KafkaForwarder(Producer<byte[], byte[]> producer, ConnectorMetrics metrics) {
    this(producer, metrics, null);
  }

  /** Forwards outbox events and, through {@code changes} (may be null), table changes. */
  public KafkaForwarder(
      Producer<byte[], byte[]> producer, ConnectorMetrics metrics, ChangeRecords changes) {
    this.producer = producer;
    this.metrics = metrics;
    this.changes = changes;
  }

  @Override
  public void handleBatch(
      List<RecordChangeEvent<SourceRecord>> batch,
      DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
      throws InterruptedException {
    List<Future<RecordMetadata>> acks = new ArrayList<>(batch.size());
    for (RecordChangeEvent<SourceRecord> change : batch) {
      ProducerRecord<byte[], byte[]> out = toProducerRecord(change.record());
      acks.add(out == null ? null : producer.send(out));
    }
    // flush() sends what linger.ms would still hold back; then every ack is in (or failed).
    producer.flush();
    for (int i = 0; i < batch.size(); i++) {
      awaitAck(acks.get(i), batch.get(i).record());
    }
    // Only now, in capture order, may the positions of these records be recorded.
    for (RecordChangeEvent<SourceRecord> change : batch) {
      committer.markProcessed(change);
    }
    committer.markBatchFinished();
    for (int i = 0; i < batch.size(); i++) {
      if (acks.get(i) != null) {
        countDelivered(batch.get(i).record());
      }
    }
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

  private static void awaitAck(Future<RecordMetadata> ack, SourceRecord record)
      throws InterruptedException {
    if (ack == null) {
      return;
    }
    try {
      ack.get();
    } catch (ExecutionException e) {
      throw new DeliveryFailedException(
          "Kafka did not acknowledge event "
              + OutboxRecords.header(record, OffloadHeaders.EVENT_ID).orElse("?")
              + " on "
              + record.topic()
              + "; stopping so the batch is captured again after a restart",
          e.getCause());
    }
  }

  /** A record Kafka did not acknowledge; it stops the engine with nothing of its batch marked. */
  public static final class DeliveryFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DeliveryFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
