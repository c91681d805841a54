package dev.offload.consumers.retry;

import java.time.Duration;
import java.util.List;

/**
 * Names of the delay topics, {@code offload.retry.<group>.<delay>}, where a worker parks records
 * whose retry is due later. The delay is written compactly: {@code 10s}, {@code 1m}, {@code 1h},
 * {@code 1500ms}.
 */
public final class RetryTopics {
  /** Prefix of every delay topic. */
  public static final String PREFIX = "offload.retry.";

  private RetryTopics() {}

  /** The delay topic of {@code group} for {@code tier}. */
  public static String name(String group, Duration tier) {
    return prefix(group) + label(tier);
  }

  /** The delay topics of {@code group} for every tier of {@code policy}. */
  public static List<String> names(String group, RetryPolicy policy) {
    return policy.delayTiers().stream().map(tier -> name(group, tier)).toList();
  }

  /** Whether {@code topic} is one of {@code group}'s delay topics. */
  public static boolean isDelayTopic(String group, String topic) {
    return topic.startsWith(prefix(group));
  }

  /** The compact label of a delay: {@code 10s}, {@code 1m}, {@code 1h} or milliseconds. */
  public static String label(Duration tier) {
    long ms = tier.toMillis();
    if (ms > 0 && ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms > 0 && ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms > 0 && ms % 1_000 == 0) {
      return ms / 1_000 + "s";
    }
    return ms + "ms";
  }

  private static String prefix(String group) {
    return PREFIX + group + ".";
  }
}
