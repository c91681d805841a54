package dev.offload.connectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.offload.schemas.kafka.KafkaClientSecurity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The connector role's configuration file: where the outbox and the captured tables live, where
 * their events go, the schema registry, and the HTTP port for health and metrics. Every key is
 * optional; environment variables override the file: {@code OFFLOAD_KAFKA_BOOTSTRAP_SERVERS},
 * {@code OFFLOAD_DATABASE_HOST}, {@code _PORT}, {@code _NAME}, {@code _USER}, {@code
 * OFFLOAD_DATABASE_PASSWORD} (the password comes only from the environment or {@code
 * password-file}, never from the file itself), {@code OFFLOAD_REGISTRY_URL}, {@code
 * OFFLOAD_CONNECTOR_NAME}, {@code OFFLOAD_CONNECTOR_SLOT}, {@code OFFLOAD_CONNECTOR_OFFSET_FILE},
 * {@code OFFLOAD_CAPTURE_TABLES} (comma-separated), {@code OFFLOAD_CAPTURE_SNAPSHOT} and {@code
 * OFFLOAD_CONNECTOR_HTTP_PORT}; the {@code OFFLOAD_KAFKA_SECURITY_PROTOCOL}, {@code
 * OFFLOAD_KAFKA_SASL_…} and {@code OFFLOAD_KAFKA_SSL_…} variables of {@link KafkaClientSecurity}
 * override {@code kafka.security}.
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

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

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

  /** The defaults, with environment overrides. */
  public static ConnectorConfiguration defaults(Map<String, String> env) {
    return parse("{}", env);
  }

  /** Loads {@code file}, with environment overrides. */
  public static ConnectorConfiguration load(Path file, Map<String, String> env) {
    try {
      return parse(Files.readString(file), env);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read connector configuration " + file, e);
    }
  }

  /**
   * Parses YAML text, with environment overrides.
   *
   * @throws IllegalArgumentException naming the first invalid field
   */
  @SuppressWarnings("unchecked")
  public static ConnectorConfiguration parse(String yaml, Map<String, String> env) {
    Map<String, Object> root;
    try {
      root = YAML.readValue(yaml, Map.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("connector configuration is not valid YAML: " + e, e);
    }
    Section s = new Section("", root);
    Section kafka = s.section("kafka");
    Section db = s.section("database");
    Section c = s.section("connector");
    Section cap = s.section("capture");
    Section http = s.section("http");
    ConnectorConfig connector =
        new ConnectorConfig(
            env(
                env,
                "OFFLOAD_KAFKA_BOOTSTRAP_SERVERS",
                kafka.string("bootstrap-servers", "127.0.0.1:9092")),
            env(env, "OFFLOAD_DATABASE_HOST", db.string("host", "127.0.0.1")),
            integer("database.port", env(env, "OFFLOAD_DATABASE_PORT", db.string("port", "5432"))),
            env(env, "OFFLOAD_DATABASE_NAME", db.string("name", "offload")),
            env(env, "OFFLOAD_DATABASE_USER", db.string("user", "postgres")),
            password(db, env),
            env(env, "OFFLOAD_CONNECTOR_SLOT", c.string("slot", ConnectorConfig.DEFAULT_SLOT_NAME)),
            c.string("publication", ConnectorConfig.DEFAULT_PUBLICATION_NAME),
            Path.of(
                env(
                    env,
                    "OFFLOAD_CONNECTOR_OFFSET_FILE",
                    c.string("offset-file", "offload-data/connector/offsets.dat"))),
            c.duration("poll-interval", ConnectorConfig.DEFAULT_POLL_INTERVAL),
            c.duration("offset-flush-interval", ConnectorConfig.DEFAULT_OFFSET_FLUSH_INTERVAL),
            c.duration("heartbeat-interval", ConnectorConfig.DEFAULT_HEARTBEAT_INTERVAL),
            env(env, "OFFLOAD_CONNECTOR_NAME", c.string("name", ConnectorConfig.DEFAULT_NAME)),
            KafkaClientSecurity.from(kafka.section("security").values(), env));
    String tablesEnv = env.get("OFFLOAD_CAPTURE_TABLES");
    List<String> tables =
        tablesEnv != null && !tablesEnv.isBlank()
            ? Arrays.stream(tablesEnv.split(","))
                .map(String::trim)
                .filter(t -> !t.isEmpty())
                .toList()
            : cap.list("tables");
    TableCapture capture =
        new TableCapture(
            tables,
            snapshot(env(env, "OFFLOAD_CAPTURE_SNAPSHOT", cap.string("snapshot", "initial"))),
            cap.string("signal-table", TableCapture.DEFAULT_SIGNAL_TABLE),
            Boolean.parseBoolean(cap.string("full-before-image", "true")));
    return new ConnectorConfiguration(
        connector,
        capture,
        env(
            env,
            "OFFLOAD_REGISTRY_URL",
            s.section("registry").string("url", "http://127.0.0.1:8081")),
        http.string("host", "127.0.0.1"),
        integer(
            "http.port",
            env(
                env,
                "OFFLOAD_CONNECTOR_HTTP_PORT",
                http.string("port", Integer.toString(DEFAULT_HTTP_PORT)))));
  }

  /** This configuration with another connector part. */
  public ConnectorConfiguration withConnector(ConnectorConfig other) {
    return new ConnectorConfiguration(other, capture, registryUrl, httpHost, httpPort);
  }

  /** This configuration with another HTTP port. */
  public ConnectorConfiguration withHttpPort(int port) {
    return new ConnectorConfiguration(connector, capture, registryUrl, httpHost, port);
  }

  private static String password(Section db, Map<String, String> env) {
    String fromEnv = env.get("OFFLOAD_DATABASE_PASSWORD");
    if (fromEnv != null) {
      return fromEnv;
    }
    String file = db.string("password-file", null);
    if (file == null) {
      return "";
    }
    try {
      return Files.readString(Path.of(file)).strip();
    } catch (IOException e) {
      throw new IllegalArgumentException("database.password-file: cannot read " + file, e);
    }
  }

  private static SnapshotMode snapshot(String text) {
    String name = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    try {
      return SnapshotMode.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "capture.snapshot: '" + text + "' is not one of initial, never, always, when-needed", e);
    }
  }

  private static int integer(String field, String text) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(field + ": not an integer: '" + text + "'", e);
    }
  }

  private static String env(Map<String, String> env, String name, String fallback) {
    String value = env.get(name);
    return value != null && !value.isBlank() ? value : fallback;
  }

  /** A YAML mapping, read with the path of its keys in every error. */
  private record Section(String path, Map<String, Object> values) {
    Section {
      values = values == null ? Map.of() : values;
    }

    String field(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    @SuppressWarnings("unchecked")
    Section section(String key) {
      Object v = values.get(key);
      if (v != null && !(v instanceof Map)) {
        throw new IllegalArgumentException(field(key) + ": expected a mapping, got '" + v + "'");
      }
      return new Section(field(key), (Map<String, Object>) v);
    }

    String string(String key, String fallback) {
      Object v = values.get(key);
      return v == null ? fallback : v.toString();
    }

    List<String> list(String key) {
      Object v = values.get(key);
      if (v == null) {
        return List.of();
      }
      if (v instanceof List<?> list) {
        return list.stream().map(String::valueOf).toList();
      }
      return List.of(v.toString());
    }

    Duration duration(String key, Duration fallback) {
      Object v = values.get(key);
      if (v == null) {
        return fallback;
      }
      String t = v.toString().trim().toLowerCase(Locale.ROOT);
      Matcher m = SHORT_DURATION.matcher(t);
      try {
        if (m.matches()) {
          long n = Long.parseLong(m.group(1));
          return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
          };
        }
        return Duration.parse(t.toUpperCase(Locale.ROOT));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            field(key) + ": not a duration (e.g. 10ms, 1s, 5m, PT1H): '" + v + "'", e);
      }
    }
  }
}
