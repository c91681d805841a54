package dev.offload.schemas.kafka;

import dev.offload.schemas.config.ConfigChecks.Text;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code kafka} section of a role's file, the same for the connector, the streams role and the
 * worker:
 *
 * <pre>{@code
 * kafka:
 *   bootstrap-servers: kafka-1:9092,kafka-2:9092
 *   properties: {linger.ms: 5}              # Kafka client properties, over the role's own
 *   security:                               # or the OFFLOAD_KAFKA_SECURITY_… variables
 *     protocol: SASL_SSL
 *     sasl-mechanism: SCRAM-SHA-512
 *     sasl-jaas-config-file: /run/secrets/kafka-jaas
 * }</pre>
 *
 * @param bootstrapServers the Kafka {@code bootstrap.servers}; default {@code 127.0.0.1:9092}
 * @param properties Kafka client properties laid over the ones the role sets and the security's;
 *     default none
 * @param security how the clients authenticate and encrypt: the keys {@link
 *     KafkaClientSecurity#from} reads, its environment variables over them ({@link
 *     #withSecurityFrom}); default none ({@code PLAINTEXT})
 */
public record KafkaConfig(
    @Text String bootstrapServers, Map<String, String> properties, Map<String, Object> security) {

  /** No properties or security section is an empty one. */
  public KafkaConfig {
    properties = Map.copyOf(Objects.requireNonNullElse(properties, Map.of()));
    security =
        Collections.unmodifiableMap(
            new LinkedHashMap<>(Objects.requireNonNullElse(security, Map.of())));
  }

  /** The cluster at {@code bootstrapServers}, with no properties and no security. */
  public static KafkaConfig of(String bootstrapServers) {
    return new KafkaConfig(bootstrapServers, Map.of(), Map.of());
  }

  /** The client security the {@code security} section names. */
  public KafkaClientSecurity clientSecurity() {
    return KafkaClientSecurity.from(security, Map.of());
  }

  /** This section with the {@code OFFLOAD_KAFKA_…} variables of {@code env} over its security. */
  public KafkaConfig withSecurityFrom(Map<String, String> env) {
    return new KafkaConfig(
        bootstrapServers, properties, KafkaClientSecurity.from(security, env).section());
  }
}
