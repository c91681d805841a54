package dev.offload.ops.deadletter;

import dev.offload.schemas.DeadLetterHeaders;
import dev.offload.schemas.HeaderValues;
import dev.offload.schemas.OffloadHeaders;
import java.util.List;
import org.apache.kafka.common.header.Header;

/**
 * One record of a dead-letter topic: the original key, value and headers plus the {@code
 * offload-dlq-*} headers. Arrays are not copied; treat them as read-only.
 *
 * @param topic the dead-letter topic
 * @param partition its partition
 * @param offset its offset there
 * @param timestamp the dead-letter record's timestamp, epoch milliseconds
 * @param key the original key; may be {@code null}
 * @param value the original value; may be {@code null}
 * @param headers every header, in record order
 */
public record DeadLetter(
    String topic,
    int partition,
    long offset,
    long timestamp,
    byte[] key,
    byte[] value,
    List<Header> headers) {

  /** Copies the header list. */
  public DeadLetter {
    headers = List.copyOf(headers);
  }

  /** Where this dead letter is, {@code topic/partition/offset}: the key of its audit record. */
  public String id() {
    return topic + "/" + partition + "/" + offset;
  }

  /** The last value of header {@code name} as UTF-8 text; {@code null} when absent. */
  public String header(String name) {
    return HeaderValues.text(headers, name);
  }

  /** Class name of the failure; {@code "unknown"} when the header is missing. */
  public String exceptionClass() {
    String value = header(DeadLetterHeaders.EXCEPTION_CLASS);
    return value == null || value.isEmpty() ? "unknown" : value;
  }

  /** The topic the record came from; {@code null} when the header is missing. */
  public String originalTopic() {
    String value = header(DeadLetterHeaders.ORIGINAL_TOPIC);
    return value == null || value.isEmpty() ? null : value;
  }

  /** Times redriven so far (header {@value OffloadHeaders#REDRIVE_COUNT}); 0 when absent. */
  public int redriveCount() {
    String value = header(OffloadHeaders.REDRIVE_COUNT);
    try {
      return value == null ? 0 : Math.max(0, Integer.parseInt(value.trim()));
    } catch (NumberFormatException e) {
      return 0; // a header someone else wrote badly must not stop the redrive
    }
  }

  /** The headers the original record had: all but {@code offload-dlq-*} and the redrive count. */
  public List<Header> originalHeaders() {
    return headers.stream()
        .filter(h -> !h.key().startsWith(DeadLetterHeaders.PREFIX))
        .filter(h -> !h.key().equals(OffloadHeaders.REDRIVE_COUNT))
        .toList();
  }
}
