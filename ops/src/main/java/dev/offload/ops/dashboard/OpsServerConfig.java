package dev.offload.ops.dashboard;

import dev.offload.ops.lag.LagMonitorConfig;
import dev.offload.ops.lag.LagObjectives;
import dev.offload.runtime.config.ConfigChecks;
import dev.offload.schemas.kafka.KafkaClientSecurity;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Configuration of the {@link OpsServer}.
 *
 * @param host the address the HTTP server binds; default {@code 127.0.0.1} ({@code 0.0.0.0} in a
 *     container, so Prometheus and browsers elsewhere reach it)
 * @param port the HTTP port; default 8090; 0 picks a free port ({@link OpsServer#port()} tells it)
 * @param bootstrapServers Kafka {@code bootstrap.servers} the lag monitor and the dead-letter
 *     reader connect to; default {@code 127.0.0.1:9092}
 * @param lagInterval time between two lag polls, and between two reads of the dead-letter topics;
 *     default 5 s
 * @param history how far back the dashboard's charts reach; default 15 minutes, at least one {@code
 *     lagInterval}
 * @param newestDeadLetters how many of the newest dead letters the dashboard lists (headers only,
 *     never the payload); default 10, between 1 and 1000
 * @param groups the consumer groups to watch, and whose dead-letter topics ({@code
 *     offload.dlq.<group>}) to read; empty (the default) watches every consumer group and every
 *     dead-letter topic
 * @param objectives the lag objective of each watched group, in seconds of lag ({@link
 *     LagObjectives}); default 60 s for every group
 * @param security how the lag monitor's and the dead-letter reader's Kafka clients authenticate and
 *     encrypt (the {@code OFFLOAD_KAFKA_SECURITY_…} variables of {@link KafkaClientSecurity});
 *     default {@link KafkaClientSecurity#none()}
 */
@RecordBuilder
public record OpsServerConfig(
    String host,
    int port,
    String bootstrapServers,
    Duration lagInterval,
    Duration history,
    int newestDeadLetters,
    Set<String> groups,
    LagObjectives objectives,
    KafkaClientSecurity security) {
  /** Default HTTP port of the ops role. */
  public static final int DEFAULT_PORT = 8090;

  /** Every component at its default. */
  private static final OpsServerConfig DEFAULTS =
      new OpsServerConfig(
          "127.0.0.1",
          DEFAULT_PORT,
          "127.0.0.1:9092",
          Duration.ofSeconds(5),
          Duration.ofMinutes(15),
          10,
          Set.of(),
          LagObjectives.defaults(),
          KafkaClientSecurity.none());

  /** Validates every field and names the one that is wrong. */
  public OpsServerConfig {
    ConfigChecks.text(host, "host");
    ConfigChecks.port(port, 0, "port");
    ConfigChecks.text(bootstrapServers, "bootstrapServers");
    ConfigChecks.positive(lagInterval, "lagInterval");
    if (ConfigChecks.positive(history, "history").compareTo(lagInterval) < 0) {
      throw new IllegalArgumentException(
          "history must be at least lagInterval (" + lagInterval + "), was " + history);
    }
    if (newestDeadLetters < 1 || newestDeadLetters > 1000) {
      throw new IllegalArgumentException(
          "newestDeadLetters must be between 1 and 1000, was " + newestDeadLetters);
    }
    Objects.requireNonNull(groups, "groups must be set (empty for every group)");
    groups.forEach(group -> ConfigChecks.text(group, "groups"));
    groups = Set.copyOf(groups);
    Objects.requireNonNull(objectives, "objectives must be set");
    security = Objects.requireNonNullElse(security, KafkaClientSecurity.none());
  }

  /** The defaults, against {@code bootstrapServers}. */
  public static OpsServerConfig defaults(String bootstrapServers) {
    return builder(bootstrapServers).build();
  }

  /** A builder holding the defaults, against {@code bootstrapServers}. */
  public static OpsServerConfigBuilder builder(String bootstrapServers) {
    return OpsServerConfigBuilder.builder(DEFAULTS).bootstrapServers(bootstrapServers);
  }

  /**
   * The lag monitor's configuration: its defaults, polled every lagInterval, these groups and
   * objectives.
   */
  public LagMonitorConfig lagMonitorConfig() {
    return LagMonitorConfig.builder(bootstrapServers)
        .interval(lagInterval)
        .groups(groups)
        .objectives(objectives)
        .security(security)
        .build();
  }
}
