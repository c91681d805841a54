package dev.offload.streams;

import dev.offload.runtime.config.ConfigLoader;
import dev.offload.schemas.kafka.KafkaClientSecurity;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The streams configuration file: runtime settings plus one section per topology. Every key is
 * optional; unknown keys are refused. Environment variables override the file, one per key, named
 * by {@link ConfigLoader}'s rule: {@code OFFLOAD_} and the key's dotted path upper-cased ({@code
 * OFFLOAD_KAFKA_BOOTSTRAP_SERVERS}, {@code OFFLOAD_STATE_DIR}, {@code
 * OFFLOAD_PROCESSING_GUARANTEE}, {@code OFFLOAD_INSTANCES}, {@code OFFLOAD_HTTP_HOST} (the address
 * served and advertised for interactive queries: the pod's or container's own), {@code
 * OFFLOAD_HTTP_PORT}, …). The names read before ({@code OFFLOAD_STREAMS_STATE_DIR}, {@code
 * OFFLOAD_STREAMS_PROCESSING_GUARANTEE}, {@code OFFLOAD_STREAMS_INSTANCES}, {@code
 * OFFLOAD_STREAMS_HTTP_HOST}, {@code OFFLOAD_STREAMS_HTTP_PORT}) still work for one release, each
 * with a warning. The {@code OFFLOAD_KAFKA_SECURITY_PROTOCOL}, {@code OFFLOAD_KAFKA_SASL_…} and
 * {@code OFFLOAD_KAFKA_SSL_…} variables of {@link KafkaClientSecurity} override {@code
 * kafka.security}.
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
 * @param settings the runtime settings
 * @param topologies each topology's section, by topology name
 */
public record StreamsConfiguration(
    StreamsSettings settings, Map<String, Map<String, Object>> topologies) {

  private static final ConfigLoader<StreamsFile> LOADER =
      ConfigLoader.builder(StreamsFile.class, StreamsFile.defaults())
          .describedAs("streams configuration")
          .legacyEnv("OFFLOAD_STREAMS_STATE_DIR", "state-dir")
          .legacyEnv("OFFLOAD_STREAMS_PROCESSING_GUARANTEE", "processing-guarantee")
          .legacyEnv("OFFLOAD_STREAMS_INSTANCES", "instances")
          .legacyEnv("OFFLOAD_STREAMS_HTTP_HOST", "http.host")
          .legacyEnv("OFFLOAD_STREAMS_HTTP_PORT", "http.port")
          .build();

  /** Checks both parts are present. */
  public StreamsConfiguration {
    Objects.requireNonNull(settings, "settings");
    topologies = Map.copyOf(Objects.requireNonNullElse(topologies, Map.of()));
  }

  /** Every environment variable the file's keys are overridden by, legacy names included. */
  public static Set<String> environmentVariables() {
    return LOADER.environmentVariables();
  }

  /** The defaults, with environment overrides. */
  public static StreamsConfiguration defaults(Map<String, String> env) {
    return LOADER.defaults(env).toConfiguration(env);
  }

  /**
   * Loads {@code file}, with environment overrides.
   *
   * @throws IllegalArgumentException naming the first invalid field (and the file, for a key)
   */
  public static StreamsConfiguration load(Path file, Map<String, String> env) {
    return LOADER.load(file, env).toConfiguration(env);
  }

  /**
   * Parses YAML text, with environment overrides.
   *
   * @throws IllegalArgumentException naming the first invalid field
   */
  public static StreamsConfiguration parse(String yaml, Map<String, String> env) {
    return LOADER.parse(yaml, "the streams configuration", env).toConfiguration(env);
  }

  /**
   * Loads {@code file} (the defaults when {@code null}), with environment overrides and then the
   * command line's {@code options}, by dotted key ({@code http.port}; a {@code null} value keeps
   * the key as it is).
   *
   * @throws IllegalArgumentException naming the first invalid field
   */
  public static StreamsConfiguration load(
      Path file, Map<String, String> env, Map<String, String> options) {
    return LOADER.load(file, env, options).toConfiguration(env);
  }

  /**
   * The effective file ({@code file}, or the defaults when {@code null}, with environment overrides
   * and then the command line's {@code options}) as YAML, secrets masked: what {@code offload
   * streams run --print-config} shows.
   *
   * @throws IllegalArgumentException as {@link #load} does
   */
  public static String print(Path file, Map<String, String> env, Map<String, String> options) {
    StreamsFile effective = LOADER.load(file, env, options);
    effective.toConfiguration(env);
    return LOADER.print(effective);
  }

  /** The section of topology {@code name}, empty when the file has none. */
  public Map<String, Object> sectionOf(String name) {
    return topologies.getOrDefault(name, Map.of());
  }
}
