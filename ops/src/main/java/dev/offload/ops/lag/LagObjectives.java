package dev.offload.ops.lag;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How far behind, in seconds of lag, each consumer group may fall before its status leaves OK: a
 * partition whose oldest unconsumed record is older than its group's objective is WARN, and ERR
 * while that lag keeps growing (see {@link LagStatus}).
 *
 * @param fallback the objective of every group not named in {@code groups}; default 60 s
 * @param groups objectives of single groups by group id, overriding {@code fallback}; default none
 */
public record LagObjectives(Duration fallback, Map<String, Duration> groups) {

  /** The objective of a group not configured otherwise: 60 s. */
  public static final Duration DEFAULT = Duration.ofSeconds(60);

  /** Validates every objective and names the group of the one that is wrong. */
  public LagObjectives {
    requirePositive(fallback, "fallback");
    Objects.requireNonNull(groups, "groups must be set (empty for none)");
    groups.forEach(
        (group, objective) -> {
          if (group == null || group.isBlank()) {
            throw new IllegalArgumentException("groups must not contain a blank group id");
          }
          requirePositive(objective, "groups[" + group + "]");
        });
    groups = Map.copyOf(groups);
  }

  /** {@link #DEFAULT} for every group. */
  public static LagObjectives defaults() {
    return new LagObjectives(DEFAULT, Map.of());
  }

  /** {@code objective} for every group. */
  public static LagObjectives everyGroup(Duration objective) {
    return new LagObjectives(objective, Map.of());
  }

  /** The objective of {@code group}: its own if configured, otherwise the fallback. */
  public Duration objectiveOf(String group) {
    return groups.getOrDefault(group, fallback);
  }

  /** A copy with {@code objective} for every group not named otherwise. */
  public LagObjectives withFallback(Duration objective) {
    return new LagObjectives(objective, groups);
  }

  /** A copy where {@code group} has its own {@code objective}. */
  public LagObjectives withGroup(String group, Duration objective) {
    Map<String, Duration> next = new HashMap<>(groups);
    next.put(group, objective);
    return new LagObjectives(fallback, next);
  }

  private static void requirePositive(Duration value, String field) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(field + " must be a positive duration, was " + value);
    }
  }
}
