package dev.offload.ops.dashboard;

import dev.offload.ops.lag.LagMonitorConfig;
import dev.offload.schemas.config.ConfigChecks;
import dev.offload.schemas.config.ConfigChecks.Port;
import dev.offload.schemas.config.ConfigChecks.Positive;
import dev.offload.schemas.config.ConfigChecks.Text;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Duration;

/**
 * Configuration of the {@link OpsServer}, which checks it ({@link ConfigChecks#check}) when it
 * starts.
 *
 * @param host the address the HTTP server binds; default {@code 127.0.0.1} ({@code 0.0.0.0} in a
 *     container, so Prometheus and browsers elsewhere reach it)
 * @param port the HTTP port; default 8090; 0 picks a free port ({@link OpsServer#port()} tells it)
 * @param lag the lag monitor's configuration, whose {@code bootstrapServers} and {@code security}
 *     the dead-letter reader uses too, which reads the dead-letter topics ({@code
 *     offload.dlq.<group>}) of its {@code groups} (of every group when empty) every {@code
 *     interval}; default {@link LagMonitorConfig#defaults} against {@code 127.0.0.1:9092}
 * @param history how far back the dashboard's charts reach; default 15 minutes, at least one lag
 *     interval
 * @param newestDeadLetters how many of the newest dead letters the dashboard lists (headers only,
 *     never the payload); default 10, between 1 and 1000
 */
@RecordBuilder
public record OpsServerConfig(
    @Text String host,
    @Port(0) int port,
    LagMonitorConfig lag,
    @Positive Duration history,
    int newestDeadLetters)
    implements ConfigChecks.Rules {
  /** Default HTTP port of the ops role. */
  public static final int DEFAULT_PORT = 8090;

  /** Every component at its default. */
  private static final OpsServerConfig DEFAULTS =
      new OpsServerConfig(
          "127.0.0.1",
          DEFAULT_PORT,
          LagMonitorConfig.defaults("127.0.0.1:9092"),
          Duration.ofMinutes(15),
          10);

  /** Checks that the charts reach back one lag interval and the list's length. */
  @Override
  public void checkRules() {
    if (history.compareTo(lag.interval()) < 0) {
      throw new IllegalArgumentException(
          "history must be at least lag.interval (" + lag.interval() + "), was " + history);
    }
    if (newestDeadLetters < 1 || newestDeadLetters > 1000) {
      throw new IllegalArgumentException(
          "newest-dead-letters must be between 1 and 1000, was " + newestDeadLetters);
    }
  }

  /** The defaults, against {@code bootstrapServers}. */
  public static OpsServerConfig defaults(String bootstrapServers) {
    return builder(bootstrapServers).build();
  }

  /** A builder holding the defaults, against {@code bootstrapServers}. */
  public static OpsServerConfigBuilder builder(String bootstrapServers) {
    return OpsServerConfigBuilder.builder(DEFAULTS)
        .lag(LagMonitorConfig.defaults(bootstrapServers));
  }
}
