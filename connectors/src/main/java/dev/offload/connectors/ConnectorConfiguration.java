package dev.offload.connectors;

import dev.offload.runtime.config.ConfigLoader;
import dev.offload.schemas.kafka.KafkaClientSecurity;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The connector role's configuration file: where the outbox and the captured tables live, where
 * their events go, the schema registry, and the HTTP port for health and metrics. Every key is
 * optional; unknown keys are refused. Environment variables override the file, one per key, named
 * by {@link ConfigLoader}'s rule: {@code OFFLOAD_} and the key's dotted path upper-cased ({@code
 * OFFLOAD_KAFKA_BOOTSTRAP_SERVERS}, {@code OFFLOAD_DATABASE_HOST}, {@code _PORT}, {@code _NAME},
 * {@code _USER}, {@code OFFLOAD_REGISTRY_URL}, {@code OFFLOAD_CONNECTOR_NAME}, {@code
 * OFFLOAD_CONNECTOR_SLOT}, {@code OFFLOAD_CONNECTOR_OFFSET_FILE}, {@code OFFLOAD_CAPTURE_TABLES}
 * (comma-separated), {@code OFFLOAD_CAPTURE_SNAPSHOT}, {@code OFFLOAD_HTTP_PORT}, …). The password
 * comes from {@code OFFLOAD_DATABASE_PASSWORD} or the file {@code password-file} (or {@code
 * OFFLOAD_DATABASE_PASSWORD_FILE}) names, never from the file itself. {@code
 * OFFLOAD_CONNECTOR_HTTP_PORT} still works for one release, with a warning. The {@code
 * OFFLOAD_KAFKA_SECURITY_PROTOCOL}, {@code OFFLOAD_KAFKA_SASL_…} and {@code OFFLOAD_KAFKA_SSL_…}
 * variables of {@link KafkaClientSecurity} override {@code kafka.security}.
 *
 * <pre>{@code
 * kafka:
 *   bootstrap-servers: 127.0.0.1:9092
 *   security:                               # see KafkaClientSecurity; default PLAINTEXT
 *     protocol: SASL_SSL
 *     sasl-mechanism: SCRAM-SHA-512
 *     sasl-jaas-config-file: /run/secrets/kafka-jaas.conf
 *     ssl-truststore-location: /run/secrets/kafka-truststore.p12
 *     ssl-truststore-password-file: /run/secrets/kafka-truststore.password
 * database: {host: 127.0.0.1, port: 5432, name: offload, user: postgres, password-file: /run/pw}
 * registry:
 *   url: http://127.0.0.1:8081
 * connector:
 *   name: offload-connector                 # engine name, Debezium topic.prefix
 *   slot: offload_outbox
 *   publication: offload_outbox_pub
 *   offset-file: offload-data/connector/offsets.dat
 *   poll-interval: 10ms
 *   offset-flush-interval: 1s
 *   heartbeat-interval: 10s
 * capture:
 *   tables: [public.orders]                 # -> offload.changes.public.orders
 *   snapshot: initial                       # never | always | when-needed
 *   signal-table: public.offload_signal
 *   full-before-image: true
 * http: {host: 127.0.0.1, port: 8086}       # /health/ready, /metrics; port -1: none
 * }</pre>
 *
 * @param connector the outbox connector's settings
 * @param capture the tables captured besides the outbox; default none
 * @param registryUrl the schema registry change-event schemas are registered in; default {@code
 *     http://127.0.0.1:8081}
 * @param httpHost the address health and metrics are served on; default {@code 127.0.0.1}
 * @param httpPort their port; default {@value #DEFAULT_HTTP_PORT}, 0 any free port, -1 none
 */
public record ConnectorConfiguration(
    ConnectorConfig connector,
    TableCapture capture,
    String registryUrl,
    String httpHost,
    int httpPort) {

  /** Default HTTP port, the one the compose Prometheus configuration scrapes. */
  public static final int DEFAULT_HTTP_PORT = 8086;

  private static final ConfigLoader<ConnectorFile> LOADER =
      ConfigLoader.builder(ConnectorFile.class, ConnectorFile.defaults())
          .describedAs("connector configuration")
          .legacyEnv("OFFLOAD_CONNECTOR_HTTP_PORT", "http.port")
          .build();

  /** Validates every field, naming the one at fault. */
  public ConnectorConfiguration {
    Objects.requireNonNull(connector, "connector must not be null");
    Objects.requireNonNull(capture, "capture must not be null");
    if (registryUrl == null || registryUrl.isBlank()) {
      throw new IllegalArgumentException("registry.url must not be blank");
    }
    if (httpHost == null || httpHost.isBlank()) {
      throw new IllegalArgumentException("http.host must not be blank");
    }
    if (httpPort < -1 || httpPort > 65_535) {
      throw new IllegalArgumentException("http.port must be -1 (none), 0 (any) or a port");
    }
  }

  /** Every environment variable the file's keys are overridden by, legacy names included. */
  public static Set<String> environmentVariables() {
    return LOADER.environmentVariables();
  }

  /** The defaults, with environment overrides. */
  public static ConnectorConfiguration defaults(Map<String, String> env) {
    return LOADER.defaults(env).toConfiguration(env);
  }

  /**
   * Loads {@code file}, with environment overrides.
   *
   * @throws IllegalArgumentException naming the first invalid field (and the file, for a key)
   */
  public static ConnectorConfiguration load(Path file, Map<String, String> env) {
    return LOADER.load(file, env).toConfiguration(env);
  }

  /**
   * Parses YAML text, with environment overrides.
   *
   * @throws IllegalArgumentException naming the first invalid field
   */
  public static ConnectorConfiguration parse(String yaml, Map<String, String> env) {
    return LOADER.parse(yaml, "the connector configuration", env).toConfiguration(env);
  }

  /**
   * Loads {@code file} (the defaults when {@code null}), with environment overrides and then the
   * command line's {@code options}, by dotted key ({@code http.port}; a {@code null} value keeps
   * the key as it is).
   *
   * @throws IllegalArgumentException naming the first invalid field
   */
  public static ConnectorConfiguration load(
      Path file, Map<String, String> env, Map<String, String> options) {
    return LOADER.load(file, env, options).toConfiguration(env);
  }

  /**
   * The effective file ({@code file}, or the defaults when {@code null}, with environment overrides
   * and then the command line's {@code options}) as YAML, secrets masked: what {@code offload
   * connector --print-config} shows.
   *
   * @throws IllegalArgumentException as {@link #load} does
   */
  public static String print(Path file, Map<String, String> env, Map<String, String> options) {
    ConnectorFile effective = LOADER.load(file, env, options);
    effective.toConfiguration(env);
    return LOADER.print(effective);
  }
}
