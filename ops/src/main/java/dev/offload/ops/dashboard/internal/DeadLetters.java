package dev.offload.ops.dashboard.internal;

import java.time.Instant;
import java.util.List;

/**
 * What the dashboard shows of the dead-letter topics: their sizes and the newest dead letters'
 * headers. Never a payload.
 *
 * @param readAt when the topics were read; {@link Instant#EPOCH} before the first read
 * @param topics every {@code offload.dlq.*} topic, by name
 * @param newest the newest dead letters over all topics, newest first
 * @param error why the last read failed, or {@code null}
 */
public record DeadLetters(
    Instant readAt, List<TopicCount> topics, List<DeadLetter> newest, String error) {

  /** Copies the lists. */
  public DeadLetters {
    topics = List.copyOf(topics);
    newest = List.copyOf(newest);
  }

  /** Nothing read yet. */
  public static DeadLetters none() {
    return new DeadLetters(Instant.EPOCH, List.of(), List.of(), null);
  }

  /** The same topics and dead letters, with the error of a failed read. */
  public DeadLetters failed(Instant at, String why) {
    return new DeadLetters(at, topics, newest, why);
  }

  /**
   * One dead-letter topic.
   *
   * @param topic the topic, {@code offload.dlq.<group>}
   * @param retained dead letters still in the topic (log end minus log start over its partitions)
   * @param total dead letters ever written to it (the sum of its log-end offsets)
   */
  public record TopicCount(String topic, long retained, long total) {}

  /**
   * One dead letter, from its headers ({@code null} where a header is missing).
   *
   * @param topic the dead-letter topic
   * @param partition its partition there
   * @param offset its offset there
   * @param timestamp the dead letter's record timestamp
   * @param exceptionClass {@code offload-dlq-exception-class}
   * @param originalTopic {@code offload-dlq-original-topic}
   * @param failedAt {@code offload-dlq-failed-at}, as written
   * @param group {@code offload-dlq-group}
   * @param reason {@code offload-dlq-reason}
   */
  public record DeadLetter(
      String topic,
      int partition,
      long offset,
      Instant timestamp,
      String exceptionClass,
      String originalTopic,
      String failedAt,
      String group,
      String reason) {}
}
