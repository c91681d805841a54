package dev.offload.streams.analytics;

import dev.offload.schemas.TopicDescriptor;
import dev.offload.schemas.Topics;
import dev.offload.schemas.config.ConfigChecks;
import dev.offload.schemas.config.ConfigChecks.AtLeast;
import dev.offload.schemas.config.ConfigChecks.NotNegative;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Configuration of the {@code analytics} topology.
 *
 * @param inputPattern topics to read; default every {@code offload.events.*} topic
 * @param viewPrefix prefix of the output views: counts go to {@code
 *     offload.analytics.<viewPrefix>-by-<type|producer>-<1m|1h>}; default {@code counts}
 * @param grace how late an event may arrive and still be counted in its window; default 30 seconds
 * @param hourAdvance how far the one-hour hopping windows advance; default 5 minutes
 * @param retention how long closed windows stay queryable; default 24 hours, at least 1 hour plus
 *     grace
 * @param dedupRetention how long event ids are remembered so a redelivered event is not counted
 *     twice; default 1 hour, {@code 0} turns deduplication off
 * @param partitions partitions of the internal topics that regroup events by type and by producer,
 *     i.e. how many tasks count in parallel; default 3. Fixed, so the topology starts before any
 *     events topic exists
 */
public record AnalyticsConfig(
    Pattern inputPattern,
    String viewPrefix,
    Duration grace,
    Duration hourAdvance,
    Duration retention,
    @NotNegative Duration dedupRetention,
    @AtLeast(1) int partitions) {

  /** Validates the fields the loader's checks do not cover, naming the one at fault. */
  public AnalyticsConfig {
    Topics.requireLegal("view-prefix", viewPrefix);
    ConfigChecks.notNegative(grace, "grace");
    if (hourAdvance == null
        || hourAdvance.isZero()
        || hourAdvance.isNegative()
        || hourAdvance.compareTo(CountWindow.HOUR.size()) > 0) {
      throw new IllegalArgumentException("hour-advance: must be positive and at most 1 hour");
    }
    if (retention == null || retention.compareTo(CountWindow.HOUR.size().plus(grace)) < 0) {
      throw new IllegalArgumentException(
          "retention: must be at least 1 hour plus grace (" + grace + "), got " + retention);
    }
  }

  /** The defaults described on each field. */
  public static AnalyticsConfig defaults() {
    return new AnalyticsConfig(
        Topics.ALL_EVENTS,
        "counts",
        Duration.ofSeconds(30),
        Duration.ofMinutes(5),
        Duration.ofHours(24),
        Duration.ofHours(1),
        3);
  }

  /** The name of the output topic of counts by {@code dimension} in {@code window}. */
  public String outputTopic(CountDimension dimension, CountWindow window) {
    return output(dimension, window).name();
  }

  /** The output topic of counts by {@code dimension} in {@code window}, with its serdes. */
  public TopicDescriptor<String, String> output(CountDimension dimension, CountWindow window) {
    return Topics.analyticsTopic(viewPrefix + "-by-" + dimension.label() + "-" + window.label());
  }
}
