package dev.offload.streams;

import dev.offload.schemas.Topics;
import dev.offload.schemas.kafka.KafkaClientSecurity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * How a topology is run: the runtime part of the streams configuration.
 *
 * @param bootstrapServers Kafka bootstrap servers; default {@code 127.0.0.1:9092}
 * @param applicationId Kafka Streams {@code application.id}; {@code null} (the default) means
 *     {@code offload-<topology name>}
 * @param processingGuarantee default {@link ProcessingGuarantee#EXACTLY_ONCE_V2}
 * @param stateDir where state stores live, under the data directory; default {@code
 *     offload-data/streams}. Each instance locks its own sub-directory, so several processes may
 *     share it
 * @param instances Kafka Streams instances in this JVM; default 1
 * @param threads stream threads per instance; default 1
 * @param commitInterval how often offsets and transactions commit; default 100 ms
 * @param httpHost address the HTTP server (health, metrics, queries) binds to and advertises to
 *     other instances; default {@code 127.0.0.1}
 * @param httpPort its port; default 8085, {@code 0} picks a free port, {@code -1} runs no server
 * @param kafka further Kafka Streams, consumer and producer properties, applied last; default none
 * @param security how the clients authenticate and encrypt (the {@code OFFLOAD_KAFKA_SECURITY_…}
 *     variables of {@link KafkaClientSecurity}); default {@link KafkaClientSecurity#none()}
 */
public record StreamsSettings(
    String bootstrapServers,
    String applicationId,
    ProcessingGuarantee processingGuarantee,
    Path stateDir,
    int instances,
    int threads,
    Duration commitInterval,
    String httpHost,
    int httpPort,
    Map<String, String> kafka,
    KafkaClientSecurity security) {

  /** Default HTTP port. */
  public static final int DEFAULT_HTTP_PORT = 8085;

  /** Validates every field, naming the one at fault. */
  public StreamsSettings {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrapServers: required");
    }
    if (applicationId != null) {
      Topics.requireLegal("applicationId", applicationId);
    }
    Objects.requireNonNull(processingGuarantee, "processingGuarantee: required");
    Objects.requireNonNull(stateDir, "stateDir: required");
    if (instances < 1) {
      throw new IllegalArgumentException("instances: must be at least 1, got " + instances);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads: must be at least 1, got " + threads);
    }
    if (commitInterval == null || commitInterval.isNegative() || commitInterval.isZero()) {
      throw new IllegalArgumentException("commitInterval: must be positive");
    }
    if (httpHost == null || httpHost.isBlank()) {
      throw new IllegalArgumentException("httpHost: required");
    }
    if (httpPort < -1 || httpPort > 65_535) {
      throw new IllegalArgumentException("httpPort: must be -1 (off), 0 (any) or a port");
    }
    kafka = Map.copyOf(Objects.requireNonNullElse(kafka, Map.of()));
    security = Objects.requireNonNullElse(security, KafkaClientSecurity.none());
  }

  /** The settings without client security ({@code PLAINTEXT}). */
  public StreamsSettings(
      String bootstrapServers,
      String applicationId,
      ProcessingGuarantee processingGuarantee,
      Path stateDir,
      int instances,
      int threads,
      Duration commitInterval,
      String httpHost,
      int httpPort,
      Map<String, String> kafka) {
    this(
        bootstrapServers,
        applicationId,
        processingGuarantee,
        stateDir,
        instances,
        threads,
        commitInterval,
        httpHost,
        httpPort,
        kafka,
        KafkaClientSecurity.none());
  }

  /** The defaults described on each field. */
  public static StreamsSettings defaults() {
    return new StreamsSettings(
        "127.0.0.1:9092",
        null,
        ProcessingGuarantee.EXACTLY_ONCE_V2,
        Path.of("offload-data", "streams"),
        1,
        1,
        Duration.ofMillis(100),
        "127.0.0.1",
        DEFAULT_HTTP_PORT,
        Map.of());
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
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee.kafkaValue());
    p.put(StreamsConfig.STATE_DIR_CONFIG, instanceStateDir.toAbsolutePath().toString());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    if (applicationServer != null) {
      p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
    }
    security.applyTo(p);
    p.putAll(kafka);
    return p;
  }

  /** The properties of an admin client beside the topology: the servers and the security. */
  public Map<String, Object> adminProperties() {
    Map<String, Object> p = new HashMap<>(security.clientProperties());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return p;
  }
}
