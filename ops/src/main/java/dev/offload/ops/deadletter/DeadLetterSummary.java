package dev.offload.ops.deadletter;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Dead letters of a group counted by exception class and original topic, for {@code dlq list}.
 *
 * @param group the consumer group
 * @param rows one row per (exception class, original topic), most dead letters first
 * @param total all dead letters
 */
public record DeadLetterSummary(String group, List<Row> rows, long total) {

  /** Copies the rows. */
  public DeadLetterSummary {
    rows = List.copyOf(rows);
  }

  /**
   * One count.
   *
   * @param exceptionClass class name of the failure ({@code unknown} when not recorded)
   * @param originalTopic topic the records came from ({@code unknown} when not recorded)
   * @param count how many dead letters
   */
  public record Row(String exceptionClass, String originalTopic, long count) {}

  /** Counts {@code deadLetters} of {@code group}. */
  public static DeadLetterSummary of(String group, List<DeadLetter> deadLetters) {
    Map<Row, Long> counts = new HashMap<>();
    for (DeadLetter d : deadLetters) {
      String topic = d.originalTopic() == null ? "unknown" : d.originalTopic();
      counts.merge(new Row(d.exceptionClass(), topic, 0), 1L, Long::sum);
    }
    List<Row> rows =
        counts.entrySet().stream()
            .map(
                e -> new Row(e.getKey().exceptionClass(), e.getKey().originalTopic(), e.getValue()))
            .sorted(
                Comparator.comparingLong(Row::count)
                    .reversed()
                    .thenComparing(Row::exceptionClass)
                    .thenComparing(Row::originalTopic))
            .toList();
    return new DeadLetterSummary(group, rows, deadLetters.size());
  }

  /** The count for one exception class and original topic; 0 when there is none. */
  public long count(String exceptionClass, String originalTopic) {
    return rows.stream()
        .filter(r -> r.exceptionClass().equals(exceptionClass))
        .filter(r -> r.originalTopic().equals(originalTopic))
        .mapToLong(Row::count)
        .sum();
  }
}
