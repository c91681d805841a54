package dev.offload.ops.deadletter;

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
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Configuration of the dead-letter tools ({@link DeadLetterStore}, {@link Redriver}), each of which
 * checks it ({@link ConfigChecks#check}) when it is built.
 *
 * @param bootstrapServers Kafka {@code bootstrap.servers}; default {@code 127.0.0.1:9092}
 * @param progressInterval how often redrive progress is reported; default 1 s
 * @param readTimeout how long reading a topic to its end may make no progress before failing;
 *     default 30 s
 * @param clock the time of the rate limit and progress; default the UTC system clock
 * @param sleeper how the rate limit waits; default {@link TokenBucket.Sleeper#SYSTEM}
 * @param security how the admin client, the reader and the redriver authenticate and encrypt (the
 *     {@code OFFLOAD_KAFKA_SECURITY_…} variables of {@link KafkaClientSecurity}); default {@link
 *     KafkaClientSecurity#none()}
 */
@RecordBuilder
public record DeadLetterToolsConfig(
    @Text String bootstrapServers,
    @Positive Duration progressInterval,
    @Positive Duration readTimeout,
    Clock clock,
    TokenBucket.Sleeper sleeper,
    KafkaClientSecurity security)
    implements DeadLetterToolsConfigBuilder.With {

  /** No security is {@link KafkaClientSecurity#none()}. */
  public DeadLetterToolsConfig {
    security = Objects.requireNonNullElse(security, KafkaClientSecurity.none());
  }

  /** The defaults, against {@code bootstrapServers}. */
  public static DeadLetterToolsConfig defaults(String bootstrapServers) {
    return new DeadLetterToolsConfig(
        bootstrapServers,
        Duration.ofSeconds(1),
        Duration.ofSeconds(30),
        Clock.systemUTC(),
        TokenBucket.Sleeper.SYSTEM,
        KafkaClientSecurity.none());
  }

  Properties adminProperties() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "offload-dlq-admin");
    return security.applyTo(p);
  }

  Properties consumerProperties() {
    Properties p = KafkaClients.byteConsumer(bootstrapServers, "offload-dlq-reader", "earliest");
    // Audit records of an aborted redrive must not count as redriven.
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return security.applyTo(p);
  }

  Properties producerProperties(String group) {
    Properties p = KafkaClients.byteProducer(bootstrapServers, "offload-dlq-redriver");
    // One id per group: a second redrive of the same group fences the first.
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "offload-dlq-redrive-" + group);
    return security.applyTo(p);
  }
}
