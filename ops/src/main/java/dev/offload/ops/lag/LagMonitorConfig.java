package dev.offload.ops.lag;

import dev.offload.ops.KafkaClients;
import dev.offload.schemas.config.ConfigChecks;
import dev.offload.schemas.config.ConfigChecks.AtLeast;
import dev.offload.schemas.config.ConfigChecks.Positive;
import dev.offload.schemas.config.ConfigChecks.Text;
import dev.offload.schemas.kafka.KafkaClientSecurity;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Configuration of the {@link LagMonitor}, which checks it ({@link ConfigChecks#check}) when it is
 * created.
 *
 * @param bootstrapServers Kafka {@code bootstrap.servers}; default {@code 127.0.0.1:9092}
 * @param groups the consumer groups to watch; empty (the default) watches every consumer group,
 *     Kafka Streams applications included
 * @param interval time between two polls of {@link LagMonitor#start()}; default 5 s
 * @param windowSize samples per partition the status rules look at; default 10 (50 s at the default
 *     interval), at least 2
 * @param objectives the lag objective of each group, in seconds of lag: above it a partition is
 *     WARN, and ERR while its lag keeps growing; default 60 s for every group ({@link
 *     LagObjectives#defaults()})
 * @param exactReads whether to read the record at each lagging committed offset for the exact lag
 *     in seconds; default {@code true}. Off, the monitor only interpolates from its samples, which
 *     costs no fetches on clusters with many lagging partitions
 * @param requestTimeout the longest wait of one admin request or of the exact reads of one poll;
 *     default 10 s
 * @param clock the time of samples and of lag in seconds; default the UTC system clock
 * @param security how the admin client and the reader authenticate and encrypt; default {@link
 *     KafkaClientSecurity#none()}
 */
@RecordBuilder
public record LagMonitorConfig(
    @Text String bootstrapServers,
    Set<String> groups,
    @Positive Duration interval,
    @AtLeast(2) int windowSize,
    LagObjectives objectives,
    boolean exactReads,
    @Positive Duration requestTimeout,
    Clock clock,
    KafkaClientSecurity security) {
  /** Every component at its default. */
  private static final LagMonitorConfig DEFAULTS =
      new LagMonitorConfig(
          "127.0.0.1:9092",
          Set.of(),
          Duration.ofSeconds(5),
          10,
          LagObjectives.defaults(),
          true,
          Duration.ofSeconds(10),
          Clock.systemUTC(),
          KafkaClientSecurity.none());

  /** Copies the groups, refusing a blank one; no security is {@link KafkaClientSecurity#none()}. */
  public LagMonitorConfig {
    groups = Set.copyOf(Objects.requireNonNull(groups, "groups must not be null"));
    groups.forEach(group -> ConfigChecks.text(group, "groups"));
    security = Objects.requireNonNullElse(security, KafkaClientSecurity.none());
  }

  /** The defaults, against {@code bootstrapServers}. */
  public static LagMonitorConfig defaults(String bootstrapServers) {
    return builder(bootstrapServers).build();
  }

  /** A builder holding the defaults, against {@code bootstrapServers}. */
  public static LagMonitorConfigBuilder builder(String bootstrapServers) {
    return LagMonitorConfigBuilder.builder(DEFAULTS).bootstrapServers(bootstrapServers);
  }

  Properties adminProperties() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "offload-lag-monitor");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) requestTimeout.toMillis());
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) requestTimeout.toMillis());
    return security.applyTo(p);
  }

  Properties readerProperties() {
    Properties p = KafkaClients.byteConsumer(bootstrapServers, "offload-lag-reader", "none");
    // One batch per partition is enough: only the first record's timestamp is wanted.
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "65536");
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
    return security.applyTo(p);
  }
}
