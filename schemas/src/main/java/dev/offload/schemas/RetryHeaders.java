package dev.offload.schemas;

/**
 * Headers a worker adds to a record it publishes to a delay topic, next to the record's own headers
 * (with {@code offload-attempt} set to the attempt the retry will be). Times are ISO-8601 instants
 * in UTC.
 */
public final class RetryHeaders {
  /** When the retry is due; the worker holds the record until then. */
  public static final String DUE_AT = "offload-retry-due-at";

  /** Topic the record was first consumed from. */
  public static final String ORIGINAL_TOPIC = "offload-retry-original-topic";

  /** Partition the record was first consumed from. */
  public static final String ORIGINAL_PARTITION = "offload-retry-original-partition";

  /** Offset the record had where it was first consumed. */
  public static final String ORIGINAL_OFFSET = "offload-retry-original-offset";

  /** When its first attempt failed. */
  public static final String FIRST_FAILED_AT = "offload-retry-first-failed-at";

  /** Prefix shared by these headers, which are removed before a record is dead-lettered. */
  public static final String PREFIX = "offload-retry-";

  private RetryHeaders() {}
}
