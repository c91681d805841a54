package dev.offload.schemas;

import java.time.Instant;
import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Utils;

/**
 * The header set every dead letter carries next to the original record's key, value bytes and
 * headers (DESIGN.md), and {@link #write the function that writes it}, used by the workers' and the
 * stream topologies' dead-letter paths alike. Times are ISO-8601 instants in UTC; numbers are
 * decimal strings; values are UTF-8.
 */
public final class DeadLetterHeaders {
  /**
   * Why: {@code deserialization}, {@code fatal} or {@code retries-exhausted} from a worker; {@code
   * deserialization}, {@code processing} or {@code serialization} from a topology.
   */
  public static final String REASON = "offload-dlq-reason";

  /** Class name of the last failure. */
  public static final String EXCEPTION_CLASS = "offload-dlq-exception-class";

  /** Message of the last failure (empty when it had none). */
  public static final String EXCEPTION_MESSAGE = "offload-dlq-exception-message";

  /** Stack trace of the last failure, cut to {@link #STACKTRACE_LIMIT} characters. */
  public static final String STACKTRACE = "offload-dlq-stacktrace";

  /** Topic the record was first consumed from (never a delay topic); where redrive sends it. */
  public static final String ORIGINAL_TOPIC = "offload-dlq-original-topic";

  /** Partition the record was first consumed from. */
  public static final String ORIGINAL_PARTITION = "offload-dlq-original-partition";

  /** Offset the record had where it was first consumed. */
  public static final String ORIGINAL_OFFSET = "offload-dlq-original-offset";

  /** Consumer group of the worker, or {@code application.id} of the topology, that gave up. */
  public static final String GROUP = "offload-dlq-group";

  /** When the record was dead-lettered: the time of its last failure. */
  public static final String FAILED_AT = "offload-dlq-failed-at";

  /** When its first attempt failed (workers only). */
  public static final String FIRST_FAILED_AT = "offload-dlq-first-failed-at";

  /** How many attempts were made (workers only). */
  public static final String ATTEMPTS = "offload-dlq-attempts";

  /** Prefix shared by these headers; stripped from a record before it is dead-lettered again. */
  public static final String PREFIX = "offload-dlq-";

  /** Longest stack trace written, in characters. */
  public static final int STACKTRACE_LIMIT = 8_192;

  private DeadLetterHeaders() {}

  /**
   * What a dead letter records about the failure that sent it there.
   *
   * @param reason why, the value of {@link #REASON}
   * @param failure the last failure
   * @param originalTopic the topic the record was first consumed from
   * @param originalPartition its partition there
   * @param originalOffset its offset there
   * @param group the consumer group or stream application that gave up
   * @param failedAt when it gave up
   */
  public record Failure(
      String reason,
      Throwable failure,
      String originalTopic,
      long originalPartition,
      long originalOffset,
      String group,
      Instant failedAt) {
    /** Checks that the reason, failure and time are given. */
    public Failure {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(failure, "failure");
      Objects.requireNonNull(failedAt, "failedAt");
    }
  }

  /**
   * The headers of a dead letter: the original record's headers, except earlier dead-letter headers
   * and those starting with one of {@code droppedPrefixes}, followed by the fixed set describing
   * {@code failure}. Callers add their own headers ({@link #ATTEMPTS}, {@link #FIRST_FAILED_AT}, …)
   * to the result.
   */
  public static RecordHeaders write(
      Iterable<Header> original, Failure failure, String... droppedPrefixes) {
    RecordHeaders headers = new RecordHeaders();
    if (original != null) {
      for (Header h : original) {
        if (!startsWithAny(h.key(), droppedPrefixes)) {
          headers.add(h.key(), h.value());
        }
      }
    }
    Throwable t = failure.failure();
    HeaderValues.put(headers, REASON, failure.reason());
    HeaderValues.put(headers, EXCEPTION_CLASS, t.getClass().getName());
    HeaderValues.put(headers, EXCEPTION_MESSAGE, t.getMessage());
    HeaderValues.put(headers, STACKTRACE, stackTrace(t));
    HeaderValues.put(headers, ORIGINAL_TOPIC, failure.originalTopic());
    HeaderValues.put(headers, ORIGINAL_PARTITION, failure.originalPartition());
    HeaderValues.put(headers, ORIGINAL_OFFSET, failure.originalOffset());
    HeaderValues.put(headers, GROUP, failure.group());
    HeaderValues.put(headers, FAILED_AT, failure.failedAt());
    return headers;
  }

  /**
   * The trace of {@code failure} and its causes as the JVM prints them (frames shared with the
   * enclosing trace elided, so causes stay in view), cut to {@link #STACKTRACE_LIMIT} characters.
   */
  public static String stackTrace(Throwable failure) {
    String text = Utils.stackTrace(failure);
    return text.length() > STACKTRACE_LIMIT ? text.substring(0, STACKTRACE_LIMIT) : text;
  }

  private static boolean startsWithAny(String key, String... droppedPrefixes) {
    if (key.startsWith(PREFIX)) {
      return true;
    }
    for (String prefix : droppedPrefixes) {
      if (key.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
