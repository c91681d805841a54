package dev.offload.streams;

import dev.offload.runtime.config.ConfigLoader;
import dev.offload.schemas.Topics;
import dev.offload.schemas.config.ConfigChecks.AtLeast;
import dev.offload.schemas.config.ConfigChecks.Nullable;
import dev.offload.schemas.config.ConfigChecks.Port;
import dev.offload.schemas.config.ConfigChecks.Positive;
import dev.offload.schemas.config.ConfigChecks.Text;
import dev.offload.schemas.kafka.KafkaClientSecurity;
import dev.offload.schemas.kafka.KafkaConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The streams role's configuration, bound from its YAML file: how a topology is run plus one
 * section per topology. Every key is optional; unknown keys are refused. Environment variables
 * override the file, one per key, named by {@link ConfigLoader}'s rule: {@code OFFLOAD_} and the
 * key's dotted path upper-cased ({@code OFFLOAD_KAFKA_BOOTSTRAP_SERVERS}, {@code
 * OFFLOAD_STATE_DIR}, {@code OFFLOAD_PROCESSING_GUARANTEE}, {@code OFFLOAD_INSTANCES}, {@code
 * OFFLOAD_HTTP_HOST} (the address served and advertised for interactive queries: the pod's or
 * container's own), {@code OFFLOAD_HTTP_PORT}, …). The names read before ({@code
 * OFFLOAD_STREAMS_STATE_DIR}, {@code OFFLOAD_STREAMS_PROCESSING_GUARANTEE}, {@code
 * OFFLOAD_STREAMS_INSTANCES}, {@code OFFLOAD_STREAMS_HTTP_HOST}, {@code OFFLOAD_STREAMS_HTTP_PORT})
 * still work for one release, each with a warning. The {@code OFFLOAD_KAFKA_SECURITY_PROTOCOL},
 * {@code OFFLOAD_KAFKA_SASL_…} and {@code OFFLOAD_KAFKA_SSL_…} variables of {@link
 * KafkaClientSecurity} override {@code kafka.security}.
 *
 * <pre>{@code
 * kafka:
 *   bootstrap-servers: 127.0.0.1:9092
 *   properties: {replication.factor: 3}   # any Kafka Streams / client property
 *   security:                              # see KafkaClientSecurity; default PLAINTEXT
 *     protocol: SASL_SSL
 *     sasl-mechanism: SCRAM-SHA-512
 *     sasl-jaas-config-file: /run/secrets/kafka-jaas.conf
 *     ssl-truststore-location: /run/secrets/kafka-truststore.p12
 *     ssl-truststore-password-file: /run/secrets/kafka-truststore.password
 * application-id: offload-router           # default offload-<topology>
 * processing-guarantee: exactly-once-v2    # or at-least-once
 * state-dir: offload-data/streams
 * instances: 1
 * threads: 1
 * commit-interval: 100ms
 * http: {host: 127.0.0.1, port: 8085}
 * topologies:
 *   router:
 *     routes:                              # the default table
 *       user-signed-up: [email]
 *       password-reset-requested: [email]
 *       document-changed: [index]
 *       page-viewed: [analytics]
 *     unknown-types: drop                  # or catch-all (with catch-all-topic)
 *     dedup-retention: 1h
 *   analytics: {grace: 30s, hour-advance: 5m, retention: 24h}
 *   shout: {class: com.acme.ShoutTopology}  # a topology of your own
 * }</pre>
 *
 * @param kafka the brokers, further Kafka Streams, consumer and producer properties (applied last;
 *     default none) and the clients' security ({@link KafkaClientSecurity}; default {@code
 *     PLAINTEXT})
 * @param applicationId Kafka Streams {@code application.id}; {@code null} (the default) means
 *     {@code offload-<topology name>}
 * @param processingGuarantee default {@link ProcessingGuarantee#EXACTLY_ONCE_V2}
 * @param stateDir where state stores live, under the data directory; default {@code
 *     offload-data/streams}. Each instance locks its own sub-directory, so several processes may
 *     share it
 * @param instances Kafka Streams instances in this JVM; default 1
 * @param threads stream threads per instance; default 1
 * @param commitInterval how often offsets and transactions commit; default 100 ms
 * @param http the address the HTTP server (health, metrics, queries) binds to and advertises to
 *     other instances, default {@code 127.0.0.1}; its port, default {@value #DEFAULT_HTTP_PORT},
 *     {@code 0} picks a free port, {@code -1} runs no server
 * @param topologies each topology's section, by topology name
 */
public record StreamsConfiguration(
    KafkaConfig kafka,
    @Nullable String applicationId,
    ProcessingGuarantee processingGuarantee,
    Path stateDir,
    @AtLeast(1) int instances,
    @AtLeast(1) int threads,
    @Positive Duration commitInterval,
    Http http,
    Map<String, Map<String, Object>> topologies) {

  /** Default HTTP port. */
  public static final int DEFAULT_HTTP_PORT = 8085;

  private static final StreamsConfiguration DEFAULTS =
      new StreamsConfiguration(
          KafkaConfig.of("127.0.0.1:9092"),
          null,
          ProcessingGuarantee.EXACTLY_ONCE_V2,
          Path.of("offload-data", "streams"),
          1,
          1,
          Duration.ofMillis(100),
          new Http("127.0.0.1", DEFAULT_HTTP_PORT),
          Map.of());

  /**
   * Loads, parses and prints the streams file ({@code StreamsConfiguration.LOADER.load(file, env,
   * options)}), {@link KafkaClientSecurity}'s variables laid over {@code kafka.security}; names the
   * variables it reads.
   */
  public static final ConfigLoader<StreamsConfiguration> LOADER =
      ConfigLoader.of(StreamsConfiguration.class, DEFAULTS, "streams configuration")
          .legacyEnv("OFFLOAD_STREAMS_STATE_DIR", "state-dir")
          .legacyEnv("OFFLOAD_STREAMS_PROCESSING_GUARANTEE", "processing-guarantee")
          .legacyEnv("OFFLOAD_STREAMS_INSTANCES", "instances")
          .legacyEnv("OFFLOAD_STREAMS_HTTP_HOST", "http.host")
          .legacyEnv("OFFLOAD_STREAMS_HTTP_PORT", "http.port");

  /** Validates the application id; the loader checks the rest. */
  public StreamsConfiguration {
    if (applicationId != null) {
      Topics.requireLegal("application-id", applicationId);
    }
    Map<String, Map<String, Object>> sections = new LinkedHashMap<>();
    Objects.requireNonNullElse(topologies, Map.<String, Map<String, Object>>of())
        .forEach((name, section) -> sections.put(name, section == null ? Map.of() : section));
    topologies = Collections.unmodifiableMap(sections);
  }

  /**
   * @param host the address served and advertised for interactive queries
   * @param port the port; 0 any, -1 no server
   */
  public record Http(@Text String host, @Port(-1) int port) {}

  /**
   * This configuration with {@code keys} set, by dotted key as the file names them ({@code
   * state-dir}, {@code http.port}); validated as a file is.
   */
  public StreamsConfiguration with(Map<String, String> keys) {
    return LOADER.with(this, keys);
  }

  /** The section of topology {@code name}, empty when the file has none. */
  public Map<String, Object> sectionOf(String name) {
    return topologies.getOrDefault(name, Map.of());
  }

  /** The application id of {@code topologyName}: {@link #applicationId()} or the default. */
  public String applicationIdFor(String topologyName) {
    return applicationId != null ? applicationId : "offload-" + topologyName;
  }

  /**
   * The Kafka Streams properties of one instance.
   *
   * @param applicationId the application id
   * @param instanceStateDir this instance's state directory
   * @param applicationServer {@code host:port} for interactive queries, or {@code null}
   */
  public Properties toProperties(
      String applicationId, Path instanceStateDir, String applicationServer) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee.kafkaValue());
    p.put(StreamsConfig.STATE_DIR_CONFIG, instanceStateDir.toAbsolutePath().toString());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    if (applicationServer != null) {
      p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
    }
    kafka.clientSecurity().applyTo(p);
    p.putAll(kafka.properties());
    return p;
  }

  /** The properties of an admin client beside the topology: the servers and the security. */
  public Map<String, Object> adminProperties() {
    Map<String, Object> p = new HashMap<>(kafka.clientSecurity().clientProperties());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    return p;
  }
}
