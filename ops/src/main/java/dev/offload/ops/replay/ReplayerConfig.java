package dev.offload.ops.replay;

import dev.offload.ops.KafkaClients;
import dev.offload.runtime.ratelimit.TokenBucket;
import dev.offload.schemas.config.ConfigChecks;
import dev.offload.schemas.config.ConfigChecks.Positive;
import dev.offload.schemas.config.ConfigChecks.Text;
import dev.offload.schemas.kafka.KafkaClientSecurity;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Configuration of the {@link Replayer}, which checks it ({@link ConfigChecks#check}) when it is
 * built.
 *
 * @param bootstrapServers Kafka {@code bootstrap.servers}; default {@code 127.0.0.1:9092}
 * @param progressInterval how often progress is reported; default 1 s
 * @param idleTimeout how long a partition may make no progress before the replay fails; default 30
 *     s
 * @param clock the time of the rate limit, progress and ETA; default the UTC system clock
 * @param sleeper how the rate limit waits; default {@link TokenBucket.Sleeper#SYSTEM}
 * @param security how the reader and the writer authenticate and encrypt (the {@code
 *     OFFLOAD_KAFKA_SECURITY_…} variables of {@link KafkaClientSecurity}); default {@link
 *     KafkaClientSecurity#none()}
 */
@RecordBuilder
public record ReplayerConfig(
    @Text String bootstrapServers,
    @Positive Duration progressInterval,
    @Positive Duration idleTimeout,
    Clock clock,
    TokenBucket.Sleeper sleeper,
    KafkaClientSecurity security)
    implements ReplayerConfigBuilder.With {

  /** No security is {@link KafkaClientSecurity#none()}. */
  public ReplayerConfig {
    security = Objects.requireNonNullElse(security, KafkaClientSecurity.none());
  }

  /** The defaults, against {@code bootstrapServers}. */
  public static ReplayerConfig defaults(String bootstrapServers) {
    return new ReplayerConfig(
        bootstrapServers,
        Duration.ofSeconds(1),
        Duration.ofSeconds(30),
        Clock.systemUTC(),
        TokenBucket.Sleeper.SYSTEM,
        KafkaClientSecurity.none());
  }

  Properties consumerProperties() {
    // Records deleted under a running replay must fail it, not silently restart elsewhere.
    Properties p = KafkaClients.byteConsumer(bootstrapServers, "offload-replay-reader", "none");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return security.applyTo(p);
  }

  Properties producerProperties() {
    return security.applyTo(KafkaClients.byteProducer(bootstrapServers, "offload-replay-writer"));
  }
}
