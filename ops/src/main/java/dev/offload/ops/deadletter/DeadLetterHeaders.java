package dev.offload.ops.deadletter;

/**
 * Names of the headers the dead-letter tools read and write. The {@code offload-dlq-*} names are
 * the fixed set the consumers' dead-letter publisher writes (DESIGN.md); they are repeated here
 * because {@code ops} does not depend on {@code consumers}. Values are UTF-8 strings.
 */
public final class DeadLetterHeaders {
  /** Prefix of every header the dead-letter publisher adds; stripped again on redrive. */
  public static final String PREFIX = "offload-dlq-";

  /** Why: {@code deserialization}, {@code fatal} or {@code retries-exhausted}. */
  public static final String REASON = "offload-dlq-reason";

  /** Class name of the last failure. */
  public static final String EXCEPTION_CLASS = "offload-dlq-exception-class";

  /** Message of the last failure. */
  public static final String EXCEPTION_MESSAGE = "offload-dlq-exception-message";

  /** Stack trace of the last failure. */
  public static final String STACKTRACE = "offload-dlq-stacktrace";

  /** Topic the record was first consumed from; where redrive publishes it again. */
  public static final String ORIGINAL_TOPIC = "offload-dlq-original-topic";

  /** Partition the record was first consumed from. */
  public static final String ORIGINAL_PARTITION = "offload-dlq-original-partition";

  /** Offset the record had where it was first consumed. */
  public static final String ORIGINAL_OFFSET = "offload-dlq-original-offset";

  /** Consumer group of the worker that gave up. */
  public static final String GROUP = "offload-dlq-group";

  /** When the record was dead-lettered (ISO-8601, UTC). */
  public static final String FAILED_AT = "offload-dlq-failed-at";

  /** How many times the record has been redriven: {@code 1} after the first redrive. */
  public static final String REDRIVE_COUNT = "offload-redrive-count";

  private DeadLetterHeaders() {}

  /** The dead-letter topic of consumer group {@code group}: {@code offload.dlq.<group>}. */
  public static String deadLetterTopic(String group) {
    return "offload.dlq." + group;
  }

  /** The audit topic of redrives of {@code group}: {@code offload.dlq.<group>.redriven}. */
  public static String auditTopic(String group) {
    return deadLetterTopic(group) + ".redriven";
  }
}
