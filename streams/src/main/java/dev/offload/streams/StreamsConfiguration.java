package dev.offload.streams;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.offload.schemas.kafka.KafkaClientSecurity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The streams configuration file: runtime settings plus one section per topology. Every key is
 * optional; environment variables {@code OFFLOAD_KAFKA_BOOTSTRAP_SERVERS}, {@code
 * OFFLOAD_STREAMS_STATE_DIR}, {@code OFFLOAD_STREAMS_PROCESSING_GUARANTEE}, {@code
 * OFFLOAD_STREAMS_INSTANCES}, {@code OFFLOAD_STREAMS_HTTP_HOST} (the address served and advertised
 * for interactive queries: the pod's or container's own) and {@code OFFLOAD_STREAMS_HTTP_PORT}
 * override the file, and the {@code OFFLOAD_KAFKA_SECURITY_PROTOCOL}, {@code OFFLOAD_KAFKA_SASL_…}
 * and {@code OFFLOAD_KAFKA_SSL_…} variables of {@link KafkaClientSecurity} override {@code
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

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Checks both parts are present. */
  public StreamsConfiguration {
    Objects.requireNonNull(settings, "settings");
    topologies = Map.copyOf(Objects.requireNonNullElse(topologies, Map.of()));
  }

  /** The defaults, with environment overrides. */
  public static StreamsConfiguration defaults(Map<String, String> env) {
    return parse("{}", env);
  }

  /** Loads {@code file}, with environment overrides. */
  public static StreamsConfiguration load(Path file, Map<String, String> env) {
    try {
      return parse(Files.readString(file), env);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read streams configuration " + file, e);
    }
  }

  /**
   * Parses YAML text, with environment overrides.
   *
   * @throws IllegalArgumentException naming the first invalid field
   */
  @SuppressWarnings("unchecked")
  public static StreamsConfiguration parse(String yaml, Map<String, String> env) {
    Map<String, Object> root;
    try {
      root = YAML.readValue(yaml, Map.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("streams configuration is not valid YAML: " + e, e);
    }
    Settings s = Settings.of("", root == null ? Map.of() : root);
    Settings kafka = Settings.of("kafka", s.section("kafka"));
    Settings http = Settings.of("http", s.section("http"));
    StreamsSettings d = StreamsSettings.defaults();
    Map<String, String> properties = new LinkedHashMap<>();
    kafka.section("properties").forEach((k, v) -> properties.put(k, String.valueOf(v)));
    Map<String, Object> overridden = new LinkedHashMap<>();
    putIfSet(overridden, "processing-guarantee", env.get("OFFLOAD_STREAMS_PROCESSING_GUARANTEE"));
    putIfSet(overridden, "instances", env.get("OFFLOAD_STREAMS_INSTANCES"));
    putIfSet(overridden, "port", env.get("OFFLOAD_STREAMS_HTTP_PORT"));
    putIfSet(overridden, "host", env.get("OFFLOAD_STREAMS_HTTP_HOST"));
    Settings envs = Settings.of("environment", overridden);
    StreamsSettings settings =
        new StreamsSettings(
            firstSet(
                env.get("OFFLOAD_KAFKA_BOOTSTRAP_SERVERS"),
                kafka.string("bootstrap-servers", d.bootstrapServers())),
            s.string("application-id", null),
            envs.enumValue(
                "processing-guarantee",
                ProcessingGuarantee.class,
                s.enumValue(
                    "processing-guarantee", ProcessingGuarantee.class, d.processingGuarantee())),
            Path.of(
                firstSet(
                    env.get("OFFLOAD_STREAMS_STATE_DIR"),
                    s.string("state-dir", d.stateDir().toString()))),
            envs.integer("instances", s.integer("instances", d.instances())),
            s.integer("threads", d.threads()),
            s.duration("commit-interval", d.commitInterval()),
            envs.string("host", http.string("host", d.httpHost())),
            envs.integer("port", http.integer("port", d.httpPort())),
            properties,
            KafkaClientSecurity.from(kafka.section("security"), env));
    Map<String, Map<String, Object>> topologies = new LinkedHashMap<>();
    Settings sections = Settings.of("topologies", s.section("topologies"));
    for (String name : s.section("topologies").keySet()) {
      topologies.put(name, sections.section(name));
    }
    return new StreamsConfiguration(settings, topologies);
  }

  /** The section of topology {@code name}, empty when the file has none. */
  public Map<String, Object> sectionOf(String name) {
    return topologies.getOrDefault(name, Map.of());
  }

  private static void putIfSet(Map<String, Object> map, String key, String value) {
    if (value != null && !value.isBlank()) {
      map.put(key, value);
    }
  }

  private static String firstSet(String preferred, String fallback) {
    return preferred != null && !preferred.isBlank() ? preferred : fallback;
  }
}
