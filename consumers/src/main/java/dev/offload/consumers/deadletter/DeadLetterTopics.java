package dev.offload.consumers.deadletter;

/** Name of the dead-letter topic of a consumer group: {@code offload.dlq.<group>}. */
public final class DeadLetterTopics {
  /** Prefix of every dead-letter topic. */
  public static final String PREFIX = "offload.dlq.";

  private DeadLetterTopics() {}

  /** The dead-letter topic of {@code group}. */
  public static String name(String group) {
    return PREFIX + group;
  }
}
