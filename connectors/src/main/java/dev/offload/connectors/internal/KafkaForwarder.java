package dev.offload.connectors.internal;

import dev.offload.schemas.OffloadHeaders;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The engine's change consumer: produces each routed outbox event to Kafka and marks a batch
 * processed only once Kafka has acknowledged all of it.
 *
 * <p>Records that are not events (heartbeats) are not produced but are marked, so the recorded
 * position moves on while the outbox is quiet. When a send fails nothing of the batch is marked and
 * the exception stops the engine: the batch is captured again after a restart.
 */
public final class KafkaForwarder
    implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {
  private final Producer<String, byte[]> producer;
  private final ConnectorMetrics metrics;

  /** Forwards to {@code producer}, which must be idempotent with {@code acks=all}. */
  public KafkaForwarder(Producer<String, byte[]> producer, ConnectorMetrics metrics) {
    this.producer = producer;
    this.metrics = metrics;
  }

  @Override
  public void handleBatch(
      List<RecordChangeEvent<SourceRecord>> batch,
      DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
      throws InterruptedException {
    List<Future<RecordMetadata>> acks = new ArrayList<>(batch.size());
    for (RecordChangeEvent<SourceRecord> change : batch) {
      SourceRecord record = change.record();
      acks.add(
          OutboxRecords.isEvent(record)
              ? producer.send(OutboxRecords.toProducerRecord(record))
              : null);
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
        SourceRecord record = batch.get(i).record();
        metrics.delivered(
            OutboxRecords.header(record, OffloadHeaders.EVENT_TYPE).orElse("unknown"),
            OutboxRecords.occurredAt(record).orElse(null));
      }
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
