package dev.offload.consumers.deadletter.internal;

import dev.offload.consumers.deadletter.DeadLetterHeaders;
import dev.offload.consumers.deadletter.DeadLetterReason;
import dev.offload.consumers.deadletter.DeadLetterTopics;
import dev.offload.consumers.internal.HeaderValues;
import dev.offload.consumers.internal.Origin;
import dev.offload.consumers.retry.RetryHeaders;
import dev.offload.schemas.OffloadHeaders;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

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
    Headers headers = new RecordHeaders();
    for (Header header : record.headers()) {
      String key = header.key();
      if (!key.startsWith(RetryHeaders.PREFIX) && !key.startsWith(DeadLetterHeaders.PREFIX)) {
        headers.add(header);
      }
    }
    HeaderValues.put(headers, OffloadHeaders.ATTEMPT, attempts);
    HeaderValues.put(headers, DeadLetterHeaders.REASON, reason.headerValue());
    HeaderValues.put(headers, DeadLetterHeaders.EXCEPTION_CLASS, failure.getClass().getName());
    String message = failure.getMessage();
    HeaderValues.put(headers, DeadLetterHeaders.EXCEPTION_MESSAGE, message == null ? "" : message);
    HeaderValues.put(headers, DeadLetterHeaders.STACKTRACE, stackTrace(failure));
    HeaderValues.put(headers, DeadLetterHeaders.ORIGINAL_TOPIC, origin.topic());
    HeaderValues.put(headers, DeadLetterHeaders.ORIGINAL_PARTITION, origin.partition());
    HeaderValues.put(headers, DeadLetterHeaders.ORIGINAL_OFFSET, origin.offset());
    HeaderValues.put(headers, DeadLetterHeaders.GROUP, group);
    HeaderValues.put(headers, DeadLetterHeaders.FAILED_AT, failedAt);
    HeaderValues.put(headers, DeadLetterHeaders.FIRST_FAILED_AT, firstFailedAt);
    HeaderValues.put(headers, DeadLetterHeaders.ATTEMPTS, attempts);
    return new ProducerRecord<>(
        DeadLetterTopics.name(group), null, null, record.key(), record.value(), headers);
  }

  /** The trace of {@code failure} and its causes, as the JVM prints it, cut to the limit. */
  static String stackTrace(Throwable failure) {
    StringBuilder out = new StringBuilder();
    Throwable t = failure;
    for (int depth = 0; t != null && depth < 16; depth++) {
      out.append(depth == 0 ? "" : "Caused by: ").append(t).append('\n');
      for (StackTraceElement frame : t.getStackTrace()) {
        out.append("\tat ").append(frame).append('\n');
        if (out.length() >= DeadLetterHeaders.STACKTRACE_LIMIT) {
          return out.substring(0, DeadLetterHeaders.STACKTRACE_LIMIT);
        }
      }
      t = t.getCause() == t ? null : t.getCause();
    }
    return out.toString();
  }
}
