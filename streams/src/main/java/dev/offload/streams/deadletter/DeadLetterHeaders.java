package dev.offload.streams.deadletter;

/**
 * The Offload header set every dead letter carries (DESIGN.md), next to the original key, value
 * bytes and headers, and Kafka Streams' own {@code __streams.errors.*} headers. Times are ISO-8601
 * instants in UTC; numbers are decimal strings.
 */
public final class DeadLetterHeaders {
  /** Why: {@code deserialization}, {@code processing} or {@code serialization}. */
  public static final String REASON = "offload-dlq-reason";

  /** Class name of the failure. */
  public static final String EXCEPTION_CLASS = "offload-dlq-exception-class";

  /** Message of the failure (empty when it had none). */
  public static final String EXCEPTION_MESSAGE = "offload-dlq-exception-message";

  /** Stack trace of the failure, cut to {@link #STACKTRACE_LIMIT} characters. */
  public static final String STACKTRACE = "offload-dlq-stacktrace";

  /** Topic the failed record was consumed from. */
  public static final String ORIGINAL_TOPIC = "offload-dlq-original-topic";

  /** Partition the failed record was consumed from. */
  public static final String ORIGINAL_PARTITION = "offload-dlq-original-partition";

  /** Offset of the failed record. */
  public static final String ORIGINAL_OFFSET = "offload-dlq-original-offset";

  /** The stream application ({@code application.id}) that gave up on the record. */
  public static final String GROUP = "offload-dlq-group";

  /** When the record was dead-lettered. */
  public static final String FAILED_AT = "offload-dlq-failed-at";

  /** Longest stack trace written, in characters. */
  public static final int STACKTRACE_LIMIT = 8_192;

  private DeadLetterHeaders() {}
}
