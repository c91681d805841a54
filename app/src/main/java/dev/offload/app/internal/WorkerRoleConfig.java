package dev.offload.app.internal;

import dev.offload.runtime.config.ConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Configuration of the {@code worker} role, loaded from YAML; every key is optional, unknown keys
 * are refused, and the defaults run against {@code offload dev}. Environment variables override the
 * file, one per key, named by {@link ConfigLoader}'s rule: {@code OFFLOAD_} and the key's dotted
 * path upper-cased ({@code OFFLOAD_KAFKA_BOOTSTRAP_SERVERS}, {@code OFFLOAD_REGISTRY_URL}, {@code
 * OFFLOAD_DATABASE_JDBC_URL}, {@code OFFLOAD_DATABASE_USER}, {@code OFFLOAD_DATABASE_POOL_SIZE},
 * {@code OFFLOAD_SMTP_HOST}, {@code OFFLOAD_SMTP_PORT}, {@code OFFLOAD_INDEX_DIR}, {@code
 * OFFLOAD_HTTP_PORT}, …). Secrets come only from the environment ({@code
 * OFFLOAD_DATABASE_PASSWORD}, {@code OFFLOAD_SMTP_PASSWORD}) or from the files {@code
 * password-file} (or {@code OFFLOAD_DATABASE_PASSWORD_FILE}, {@code OFFLOAD_SMTP_PASSWORD_FILE})
 * names, and are never printed. The names read before ({@code OFFLOAD_JDBC_URL}, {@code
 * OFFLOAD_JDBC_USER}, {@code OFFLOAD_JDBC_PASSWORD}, {@code OFFLOAD_JDBC_POOL_SIZE}, {@code
 * OFFLOAD_WORKER_HTTP_PORT}) and the file's former {@code jdbc: {url, user, pool-size}} section
 * still work for one release, each with a warning.
 *
 * <pre>{@code
 * kafka:
 *   bootstrap-servers: 127.0.0.1:9092
 *   properties: {security.protocol: SSL}   # any consumer/producer property
 * registry-url: http://127.0.0.1:8081
 * group: offload-worker-email              # default offload-worker-<handler>
 * topic: offload.work.email                # default offload.work.<handler>
 * concurrency: 0                           # records in flight at most; 0: the handler's default
 * database: {jdbc-url: "jdbc:postgresql://127.0.0.1:5432/offload", user: postgres, pool-size: 0}  # 0: sized to the handler
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
 * @param jdbcPassword its password, from {@code OFFLOAD_DATABASE_PASSWORD} or {@code
 *     database.password-file}; never printed
 * @param jdbcPoolSize connections of the worker's pool (HikariCP), or {@code
 *     OFFLOAD_DATABASE_POOL_SIZE}; default 0, sized to the handler: one per email sending thread (a
 *     mail's mark is held open while it is sent), one per analytics batch thread plus one
 * @param dedupRetention how long a processed-event mark is kept; default 7 days
 * @param dedupPurgeInterval how often old marks are purged; default 10 minutes
 * @param smtpHost the SMTP server; default {@code 127.0.0.1}
 * @param smtpPort its port; default 2525 (the one {@code offload dev} serves)
 * @param smtpFrom the sender; default {@code Offload <no-reply@offload.local>}
 * @param smtpUser the SMTP user, empty for none
 * @param smtpPassword the SMTP password, from {@code OFFLOAD_SMTP_PASSWORD} or {@code
 *     smtp.password-file}; never printed
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

  private static final ConfigLoader<WorkerFile> LOADER =
      ConfigLoader.builder(WorkerFile.class, WorkerFile.defaults())
          .describedAs("worker configuration")
          .legacyEnv("OFFLOAD_JDBC_URL", "database.jdbc-url")
          .legacyEnv("OFFLOAD_JDBC_USER", "database.user")
          .legacyEnv("OFFLOAD_JDBC_PASSWORD", "database.password")
          .legacyEnv("OFFLOAD_JDBC_POOL_SIZE", "database.pool-size")
          .legacyEnv("OFFLOAD_WORKER_HTTP_PORT", "http.port")
          .legacyKey("jdbc.url", "database.jdbc-url")
          .legacyKey("jdbc.user", "database.user")
          .legacyKey("jdbc.pool-size", "database.pool-size")
          .build();

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
    requireText(jdbcUrl, "database.jdbc-url");
    if (jdbcPoolSize < 0) {
      throw new IllegalArgumentException(
          "database.pool-size: must be 0 (sized to the handler) or more, was " + jdbcPoolSize);
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

  /** Every environment variable the file's keys are overridden by, legacy names included. */
  public static Set<String> environmentVariables() {
    return LOADER.environmentVariables();
  }

  /** The defaults, with environment overrides. */
  public static WorkerRoleConfig defaults(Map<String, String> env) {
    return LOADER.defaults(env).toConfig();
  }

  /**
   * Loads {@code file}, with environment overrides.
   *
   * @throws IllegalArgumentException naming the first invalid field (and the file, for a key)
   */
  public static WorkerRoleConfig load(Path file, Map<String, String> env) {
    return LOADER.load(file, env).toConfig();
  }

  /**
   * Parses YAML text, with environment overrides.
   *
   * @throws IllegalArgumentException naming the first invalid field
   */
  public static WorkerRoleConfig parse(String yaml, Map<String, String> env) {
    return LOADER.parse(yaml, "the worker configuration", env).toConfig();
  }

  /**
   * Loads {@code file} (the defaults when {@code null}), with environment overrides and then the
   * command line's {@code options}, by dotted key ({@code http.port}; a {@code null} value keeps
   * the key as it is).
   *
   * @throws IllegalArgumentException naming the first invalid field
   */
  public static WorkerRoleConfig load(
      Path file, Map<String, String> env, Map<String, String> options) {
    return LOADER.load(file, env, options).toConfig();
  }

  /** Parses YAML text, with environment overrides and then the command line's {@code options}. */
  public static WorkerRoleConfig parse(
      String yaml, Map<String, String> env, Map<String, String> options) {
    return LOADER.parse(yaml, "the worker configuration", env, options).toConfig();
  }

  /**
   * The effective file ({@code file}, or the defaults when {@code null}, with environment overrides
   * and then the command line's {@code options}) as YAML, secrets masked: what {@code offload
   * worker --print-config} shows.
   *
   * @throws IllegalArgumentException as {@link #load} does
   */
  public static String print(Path file, Map<String, String> env, Map<String, String> options) {
    WorkerFile effective = LOADER.load(file, env, options);
    effective.toConfig();
    return LOADER.print(effective);
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
