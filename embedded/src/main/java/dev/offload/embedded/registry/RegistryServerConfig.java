package dev.offload.embedded.registry;

import dev.offload.schemas.Redacted;
import dev.offload.schemas.config.ConfigChecks;
import dev.offload.schemas.config.ConfigChecks.Port;
import dev.offload.schemas.config.ConfigChecks.Positive;
import dev.offload.schemas.config.ConfigChecks.Text;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * How {@link SchemaRegistryServer} listens and where it keeps its schemas.
 *
 * <p>Start from {@link #builder(String)} and set what differs from the defaults, or take them all
 * with {@link #of(String)}. Every instance that serves the same registry must use the same {@link
 * #topic()}.
 *
 * @param host interface the HTTP server binds to; default {@value #DEFAULT_HOST} (loopback only)
 * @param port HTTP port; default {@value #DEFAULT_PORT}; 0 picks a free one ({@link
 *     SchemaRegistryServer#port()} tells which)
 * @param bootstrapServers the Kafka cluster that holds the storage topic, e.g. {@code
 *     127.0.0.1:9092}; required
 * @param topic the compacted storage topic, created with one partition if absent: a legal Kafka
 *     topic name (at most 249 letters, digits, {@code .}, {@code _} or {@code -}; not {@code .} nor
 *     {@code ..}); default {@value #DEFAULT_TOPIC}, as Confluent Schema Registry names it
 * @param storeTimeout how long one write may wait for Kafka (fencing, catching up, producing and
 *     reading its record back) before the request fails with 500; default 5 s
 * @param startTimeout how long {@link SchemaRegistryServer#start} may take to create the topic and
 *     read it from the beginning; default 60 s
 * @param kafkaProperties extra client properties for the admin, producer and consumer, such as
 *     {@code security.protocol} and {@code sasl.*}; empty by default. The properties the store
 *     depends on (serializers, isolation level, transactional id, …) cannot be overridden; values
 *     never appear in {@link #toString()}
 */
@RecordBuilder
public record RegistryServerConfig(
    @Text String host,
    @Port(0) int port,
    @Text String bootstrapServers,
    String topic,
    @Positive Duration storeTimeout,
    @Positive Duration startTimeout,
    Map<String, String> kafkaProperties)
    implements ConfigChecks.Rules {
  /** The default interface: loopback only. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  /** The default HTTP port, Confluent Schema Registry's. */
  public static final int DEFAULT_PORT = 8081;

  /** The default storage topic, Confluent Schema Registry's. */
  public static final String DEFAULT_TOPIC = "_schemas";

  private static final Set<String> RESERVED =
      Set.of(
          "bootstrap.servers",
          "key.serializer",
          "value.serializer",
          "key.deserializer",
          "value.deserializer",
          "transactional.id",
          "enable.idempotence",
          "isolation.level",
          "enable.auto.commit",
          "group.id",
          "acks");

  /** Every component at its default. */
  private static final RegistryServerConfig DEFAULTS =
      new RegistryServerConfig(
          DEFAULT_HOST,
          DEFAULT_PORT,
          "127.0.0.1:9092",
          DEFAULT_TOPIC,
          Duration.ofSeconds(5),
          Duration.ofSeconds(60),
          Map.of());

  /**
   * Refuses a property the store sets itself; {@link SchemaRegistryServer#start} checks the rest.
   */
  public RegistryServerConfig {
    kafkaProperties = kafkaProperties == null ? Map.of() : Map.copyOf(kafkaProperties);
    for (String key : kafkaProperties.keySet()) {
      if (RESERVED.contains(key)) {
        throw new IllegalArgumentException(
            "kafkaProperties: '" + key + "' is set by the registry's store and cannot be changed");
      }
    }
  }

  /** Checks the topic's name as Kafka does. */
  @Override
  public void checkRules() {
    if (!topic.matches("[a-zA-Z0-9._-]{1,249}") || topic.equals(".") || topic.equals("..")) {
      throw new IllegalArgumentException(
          "topic: not a legal Kafka topic name (letters, digits, '.', '_', '-', at most 249): '"
              + topic
              + "'");
    }
  }

  /** The defaults, storing in {@value #DEFAULT_TOPIC} on the given Kafka cluster. */
  public static RegistryServerConfig of(String bootstrapServers) {
    return builder(bootstrapServers).build();
  }

  /** A builder holding the defaults, storing on the given Kafka cluster. */
  public static RegistryServerConfigBuilder builder(String bootstrapServers) {
    return RegistryServerConfigBuilder.builder(DEFAULTS).bootstrapServers(bootstrapServers);
  }

  /** Every field, with the Kafka properties' values hidden (they may carry credentials). */
  @Override
  public String toString() {
    return Redacted.toString(this, "kafkaProperties");
  }
}
