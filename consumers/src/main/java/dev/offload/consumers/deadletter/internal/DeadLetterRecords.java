package dev.offload.consumers.deadletter.internal;

import dev.offload.consumers.deadletter.DeadLetterReason;
import dev.offload.consumers.internal.Origin;
import dev.offload.schemas.DeadLetterHeaders;
import dev.offload.schemas.HeaderValues;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.RetryHeaders;
import dev.offload.schemas.Topics;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

/** Builds the record a worker publishes to its dead-letter topic. */
public final class DeadLetterRecords {
  private DeadLetterRecords() {}

  /**
   * The dead letter of {@code record}: its key, value bytes and headers (without retry
   * bookkeeping), {@code offload-attempt} set to the attempts made, and the full DLQ header set.
   */
  public static ProducerRecord<byte[], byte[]> build(
      ConsumerRecord<byte[], byte[]> record,
      Origin origin,
      String group,
      DeadLetterReason reason,
      Throwable failure,
      int attempts,
      Instant firstFailedAt,
      Instant failedAt) {
    Headers headers =
        DeadLetterHeaders.write(
            record.headers(),
            new DeadLetterHeaders.Failure(
                reason.headerValue(),
                failure,
                origin.topic(),
                origin.partition(),
                origin.offset(),
                group,
                failedAt),
            RetryHeaders.PREFIX);
    HeaderValues.put(headers, OffloadHeaders.ATTEMPT, attempts);
    HeaderValues.put(headers, DeadLetterHeaders.FIRST_FAILED_AT, firstFailedAt);
    HeaderValues.put(headers, DeadLetterHeaders.ATTEMPTS, attempts);
    return new ProducerRecord<>(
        Topics.deadLetters(group), null, null, record.key(), record.value(), headers);
  }
}
