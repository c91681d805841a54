package dev.offload.consumers.retry.internal;

import dev.offload.consumers.internal.Origin;
import dev.offload.schemas.HeaderValues;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.RetryHeaders;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Builds the record a worker publishes to a delay topic. */
public final class RetryRecords {
  private RetryRecords() {}

  /**
   * The retry of {@code record}: same key, value bytes and headers, plus the attempt it will be,
   * when it is due, where it came from and when it first failed.
   *
   * @param partition the delay topic's partition, or {@code null} for the default partitioner
   */
  public static ProducerRecord<byte[], byte[]> build(
      ConsumerRecord<byte[], byte[]> record,
      Origin origin,
      String topic,
      Integer partition,
      int nextAttempt,
      Instant dueAt,
      Instant firstFailedAt) {
    Headers headers = new RecordHeaders();
    for (Header header : record.headers()) {
      if (!header.key().startsWith(RetryHeaders.PREFIX)
          && !header.key().equals(OffloadHeaders.ATTEMPT)) {
        headers.add(header);
      }
    }
    HeaderValues.put(headers, OffloadHeaders.ATTEMPT, nextAttempt);
    HeaderValues.put(headers, RetryHeaders.DUE_AT, dueAt);
    HeaderValues.put(headers, RetryHeaders.ORIGINAL_TOPIC, origin.topic());
    HeaderValues.put(headers, RetryHeaders.ORIGINAL_PARTITION, origin.partition());
    HeaderValues.put(headers, RetryHeaders.ORIGINAL_OFFSET, origin.offset());
    HeaderValues.put(headers, RetryHeaders.FIRST_FAILED_AT, firstFailedAt);
    return new ProducerRecord<>(topic, partition, null, record.key(), record.value(), headers);
  }
}
