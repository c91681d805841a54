package dev.offload.app.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.offload.consumers.dedup.DedupRetention;
import dev.offload.streams.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Configuration of the {@code worker} role, loaded from YAML; every key is optional and the
 * defaults run against {@code offload dev}. Environment variables override the file: {@code
 * OFFLOAD_KAFKA_BOOTSTRAP_SERVERS}, {@code OFFLOAD_REGISTRY_URL}, {@code OFFLOAD_JDBC_URL}, {@code
 * OFFLOAD_JDBC_USER}, {@code OFFLOAD_JDBC_POOL_SIZE}, {@code OFFLOAD_SMTP_HOST}, {@code
 * OFFLOAD_SMTP_PORT}, {@code OFFLOAD_INDEX_DIR}, {@code OFFLOAD_WORKER_HTTP_PORT}. Secrets come
 * only from the environment ({@code OFFLOAD_JDBC_PASSWORD}, {@code OFFLOAD_SMTP_PASSWORD}) and are
 * never printed.
 *
 * <pre>{@code
 * kafka:
 *   bootstrap-servers: 127.0.0.1:9092
 *   properties: {security.protocol: SSL}   # any consumer/producer property
 * registry-url: http://127.0.0.1:8081
 * group: offload-worker-email              # default offload-worker-<handler>
 * topic: offload.work.email                # default offload.work.<handler>
 * concurrency: 0                           # records in flight at most; 0: the handler's default
 * jdbc: {url: "jdbc:postgresql://127.0.0.1:5432/offload", user: postgres, pool-size: 0}  # 0: sized to the handler
 * dedup: {retention: 7d, purge-interval: 10m}  # processed-event marks older than retention go
 * smtp: {host: 127.0.0.1, port: 2525, from: "Offload <no-reply@offload.local>", user: "", tls: false}
 * index-dir: offload-data/index
 * http: {host: 127.0.0.1, port: 8087}      # /health/ready, /health/live, /metrics; port -1: none
 * rate-limits:
 *   per-handler: {permits: 100, period: 1s}  # the whole worker (a provider's quota)
 *   per-key: {permits: 2, period: 1s}        # per recipient (email) or per record key
 * }</pre>
 *
 * @param bootstrapServers Kafka; default {@code 127.0.0.1:9092}
 * @param kafkaProperties extra client properties; default none
 * @param registryUrl the schema registry; default {@code http://127.0.0.1:8081}
 * @param group the consumer group, or {@code null} for {@code offload-worker-<handler>}
 * @param topic the topic, or {@code null} for {@code offload.work.<handler>}
 * @param concurrency records in flight at most; default 0, the handler's own default: 64 for email,
 *     1024 for index and analytics (their batches grow with the records in flight)
 * @param jdbcUrl PostgreSQL of the processed-event marks and the analytics rollup
 * @param jdbcUser its user; default {@code postgres}
 * @param jdbcPassword its password, from {@code OFFLOAD_JDBC_PASSWORD}; never printed
 * @param jdbcPoolSize connections of the worker's pool (HikariCP), or {@code
 *     OFFLOAD_JDBC_POOL_SIZE}; default 0, sized to the handler: one per email sending thread (a
 *     mail's mark is held open while it is sent), one per analytics batch thread plus one
 * @param dedupRetention how long a processed-event mark is kept; default 7 days
 * @param dedupPurgeInterval how often old marks are purged; default 10 minutes
 * @param smtpHost the SMTP server; default {@code 127.0.0.1}
 * @param smtpPort its port; default 2525 (the one {@code offload dev} serves)
 * @param smtpFrom the sender; default {@code Offload <no-reply@offload.local>}
 * @param smtpUser the SMTP user, empty for none
 * @param smtpPassword the SMTP password, from {@code OFFLOAD_SMTP_PASSWORD}; never printed
 * @param smtpTls whether to use STARTTLS; default false
 * @param indexDir the search index directory; default {@code offload-data/index}
 * @param httpHost the address health and metrics are served on; default {@code 127.0.0.1}
 * @param httpPort their port; default {@value #DEFAULT_HTTP_PORT}, 0 any free port, -1 none
 * @param perHandlerLimit the limit on the whole worker, or {@code null} for none
 * @param perKeyLimit the limit per recipient or record key, or {@code null} for none
 */
public record WorkerRoleConfig(
    String bootstrapServers,
    Map<String, String> kafkaProperties,
    String registryUrl,
    String group,
    String topic,
    int concurrency,
    String jdbcUrl,
    String jdbcUser,
    String jdbcPassword,
    int jdbcPoolSize,
    Duration dedupRetention,
    Duration dedupPurgeInterval,
    String smtpHost,
    int smtpPort,
    String smtpFrom,
    String smtpUser,
    String smtpPassword,
    boolean smtpTls,
    Path indexDir,
    String httpHost,
    int httpPort,
    Limit perHandlerLimit,
    Limit perKeyLimit) {

  /** Default HTTP port of health and metrics, the one the compose Prometheus setup scrapes. */
  public static final int DEFAULT_HTTP_PORT = 8087;

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /**
   * A rate limit.
   *
   * @param permits events per period, at least 1
   * @param period the period, positive
   */
  public record Limit(int permits, Duration period) {
    /** Validates both fields. */
    public Limit {
      if (permits < 1) {
        throw new IllegalArgumentException("rate-limits: permits must be at least 1");
      }
      if (period == null || period.isZero() || period.isNegative()) {
        throw new IllegalArgumentException("rate-limits: period must be positive");
      }
    }
  }

  /** Validates every field and names the one that is wrong. */
  public WorkerRoleConfig {
    requireText(bootstrapServers, "kafka.bootstrap-servers");
    kafkaProperties = Map.copyOf(Objects.requireNonNullElse(kafkaProperties, Map.of()));
    requireText(registryUrl, "registry-url");
    if (concurrency < 0) {
      throw new IllegalArgumentException(
          "concurrency: must be 0 (the handler's default) or more, was " + concurrency);
    }
    requireText(jdbcUrl, "jdbc.url");
    if (jdbcPoolSize < 0) {
      throw new IllegalArgumentException(
          "jdbc.pool-size: must be 0 (sized to the handler) or more, was " + jdbcPoolSize);
    }
    requirePositive(dedupRetention, "dedup.retention");
    requirePositive(dedupPurgeInterval, "dedup.purge-interval");
    requireText(smtpHost, "smtp.host");
    if (smtpPort < 1 || smtpPort > 65_535) {
      throw new IllegalArgumentException("smtp.port: must be between 1 and 65535");
    }
    Objects.requireNonNull(indexDir, "index-dir: required");
    requireText(httpHost, "http.host");
    if (httpPort < -1 || httpPort > 65_535) {
      throw new IllegalArgumentException("http.port: must be -1 (none), 0 (any) or a port");
    }
  }

  /** The defaults, with environment overrides. */
  public static WorkerRoleConfig defaults(Map<String, String> env) {
    return parse("{}", env);
  }

  /** Loads {@code file}, with environment overrides. */
  public static WorkerRoleConfig load(Path file, Map<String, String> env) {
    try {
      return parse(Files.readString(file), env);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read worker configuration " + file, e);
    }
  }

  /**
   * Parses YAML text, with environment overrides.
   *
   * @throws IllegalArgumentException naming the first invalid field
   */
  @SuppressWarnings("unchecked")
  public static WorkerRoleConfig parse(String yaml, Map<String, String> env) {
    Map<String, Object> root;
    try {
      root = YAML.readValue(yaml, Map.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("worker configuration is not valid YAML: " + e, e);
    }
    Settings s = Settings.of("", root == null ? Map.of() : root);
    Settings kafka = Settings.of("kafka", s.section("kafka"));
    Settings jdbc = Settings.of("jdbc", s.section("jdbc"));
    Settings smtp = Settings.of("smtp", s.section("smtp"));
    Settings dedup = Settings.of("dedup", s.section("dedup"));
    String poolSize = env.get("OFFLOAD_JDBC_POOL_SIZE");
    Settings limits = Settings.of("rate-limits", s.section("rate-limits"));
    Settings http = Settings.of("http", s.section("http"));
    Map<String, String> properties = new LinkedHashMap<>();
    kafka.section("properties").forEach((k, v) -> properties.put(k, String.valueOf(v)));
    String smtpPort = env.get("OFFLOAD_SMTP_PORT");
    String httpPort = env.get("OFFLOAD_WORKER_HTTP_PORT");
    return new WorkerRoleConfig(
        first(
            env,
            "OFFLOAD_KAFKA_BOOTSTRAP_SERVERS",
            kafka.string("bootstrap-servers", "127.0.0.1:9092")),
        properties,
        first(env, "OFFLOAD_REGISTRY_URL", s.string("registry-url", "http://127.0.0.1:8081")),
        s.string("group", null),
        s.string("topic", null),
        s.integer("concurrency", 0),
        first(
            env,
            "OFFLOAD_JDBC_URL",
            jdbc.string("url", "jdbc:postgresql://127.0.0.1:5432/offload")),
        first(env, "OFFLOAD_JDBC_USER", jdbc.string("user", "postgres")),
        env.get("OFFLOAD_JDBC_PASSWORD"),
        isSet(poolSize)
            ? parseInt("OFFLOAD_JDBC_POOL_SIZE", poolSize)
            : jdbc.integer("pool-size", 0),
        dedup.duration("retention", DedupRetention.DEFAULT_RETENTION),
        dedup.duration("purge-interval", DedupRetention.DEFAULT_INTERVAL),
        first(env, "OFFLOAD_SMTP_HOST", smtp.string("host", "127.0.0.1")),
        isSet(smtpPort)
            ? parseInt("OFFLOAD_SMTP_PORT", smtpPort)
            : smtp.integer("port", WorkerPorts.DEFAULT_SMTP),
        smtp.string("from", "Offload <no-reply@offload.local>"),
        smtp.string("user", ""),
        env.get("OFFLOAD_SMTP_PASSWORD"),
        Boolean.parseBoolean(smtp.string("tls", "false")),
        Path.of(first(env, "OFFLOAD_INDEX_DIR", s.string("index-dir", "offload-data/index"))),
        http.string("host", "127.0.0.1"),
        isSet(httpPort)
            ? parseInt("OFFLOAD_WORKER_HTTP_PORT", httpPort)
            : http.integer("port", DEFAULT_HTTP_PORT),
        limit(limits, "per-handler"),
        limit(limits, "per-key"));
  }

  /** A copy with CLI overrides applied where given ({@code null} keeps the value). */
  public WorkerRoleConfig withOverrides(
      String bootstrap, String registry, String group, Integer concurrency, Integer httpPort) {
    return new WorkerRoleConfig(
        bootstrap == null ? bootstrapServers : bootstrap,
        kafkaProperties,
        registry == null ? registryUrl : registry,
        group == null ? this.group : group,
        topic,
        concurrency == null ? this.concurrency : concurrency,
        jdbcUrl,
        jdbcUser,
        jdbcPassword,
        jdbcPoolSize,
        dedupRetention,
        dedupPurgeInterval,
        smtpHost,
        smtpPort,
        smtpFrom,
        smtpUser,
        smtpPassword,
        smtpTls,
        indexDir,
        httpHost,
        httpPort == null ? this.httpPort : httpPort,
        perHandlerLimit,
        perKeyLimit);
  }

  /** Never shows the secrets. */
  @Override
  public String toString() {
    return "WorkerRoleConfig[bootstrapServers=%s, registryUrl=%s, group=%s, topic=%s, concurrency=%d, jdbcUrl=%s, jdbcUser=%s, jdbcPoolSize=%d, dedupRetention=%s, smtp=%s:%d, indexDir=%s, http=%s:%d, perHandlerLimit=%s, perKeyLimit=%s]"
        .formatted(
            bootstrapServers,
            registryUrl,
            group,
            topic,
            concurrency,
            jdbcUrl,
            jdbcUser,
            jdbcPoolSize,
            dedupRetention,
            smtpHost,
            smtpPort,
            indexDir,
            httpHost,
            httpPort,
            perHandlerLimit,
            perKeyLimit);
  }

  private static Limit limit(Settings limits, String key) {
    if (!limits.has(key)) {
      return null;
    }
    Settings l = Settings.of("rate-limits." + key, limits.section(key));
    return new Limit(l.integer("permits", 1), l.duration("period", Duration.ofSeconds(1)));
  }

  private static String first(Map<String, String> env, String name, String fallback) {
    String value = env.get(name);
    return isSet(value) ? value : fallback;
  }

  private static boolean isSet(String value) {
    return value != null && !value.isBlank();
  }

  private static int parseInt(String name, String text) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": not a port number: " + text, e);
    }
  }

  private static void requirePositive(Duration value, String field) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(field + ": must be positive");
    }
  }

  private static void requireText(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + ": required");
    }
  }
}
