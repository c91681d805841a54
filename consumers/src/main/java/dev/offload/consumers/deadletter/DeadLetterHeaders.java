package dev.offload.consumers.deadletter;

/**
 * The header set every dead letter carries, next to the original record's key, value bytes and
 * headers (DESIGN.md). Times are ISO-8601 instants in UTC; numbers are decimal strings.
 */
public final class DeadLetterHeaders {
  /** Why: {@code deserialization}, {@code fatal} or {@code retries-exhausted}. */
  public static final String REASON = "offload-dlq-reason";

  /** Class name of the last failure. */
  public static final String EXCEPTION_CLASS = "offload-dlq-exception-class";

  /** Message of the last failure (empty when it had none). */
  public static final String EXCEPTION_MESSAGE = "offload-dlq-exception-message";

  /** Stack trace of the last failure, cut to {@link #STACKTRACE_LIMIT} characters. */
  public static final String STACKTRACE = "offload-dlq-stacktrace";

  /** Topic the record was first consumed from (never a delay topic). */
  public static final String ORIGINAL_TOPIC = "offload-dlq-original-topic";

  /** Partition the record was first consumed from. */
  public static final String ORIGINAL_PARTITION = "offload-dlq-original-partition";

  /** Offset the record had where it was first consumed. */
  public static final String ORIGINAL_OFFSET = "offload-dlq-original-offset";

  /** Consumer group of the worker that gave up. */
  public static final String GROUP = "offload-dlq-group";

  /** When the record was dead-lettered: the time of its last failure. */
  public static final String FAILED_AT = "offload-dlq-failed-at";

  /** When its first attempt failed. */
  public static final String FIRST_FAILED_AT = "offload-dlq-first-failed-at";

  /** How many attempts were made. */
  public static final String ATTEMPTS = "offload-dlq-attempts";

  /** Prefix shared by these headers. */
  public static final String PREFIX = "offload-dlq-";

  /** Longest stack trace written, in characters. */
  public static final int STACKTRACE_LIMIT = 8_192;

  private DeadLetterHeaders() {}
}
