package dev.offload.app.internal;

import dev.offload.consumers.dedup.DedupRetention;
import dev.offload.consumers.handlers.email.EmailConfig;
import dev.offload.runtime.config.ConfigLoader;
import dev.offload.runtime.config.Secret;
import dev.offload.schemas.Redacted;
import dev.offload.schemas.config.ConfigChecks.AtLeast;
import dev.offload.schemas.config.ConfigChecks.Nullable;
import dev.offload.schemas.config.ConfigChecks.Port;
import dev.offload.schemas.config.ConfigChecks.Positive;
import dev.offload.schemas.config.ConfigChecks.Text;
import dev.offload.schemas.kafka.KafkaClientSecurity;
import dev.offload.schemas.kafka.KafkaConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

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
 *   properties: {max.poll.records: 500}    # any consumer/producer property, over the worker's own
 *   security: {protocol: SASL_SSL, sasl-mechanism: SCRAM-SHA-512, sasl-jaas-config-file: /run/secrets/kafka-jaas}
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
 * @param kafka Kafka ({@link KafkaConfig}): {@code bootstrap-servers}, default {@code
 *     127.0.0.1:9092}; extra client {@code properties}, default none; {@code security}, the {@code
 *     OFFLOAD_KAFKA_SECURITY_…} variables of {@link KafkaClientSecurity} over it, default {@code
 *     PLAINTEXT}
 * @param registryUrl the schema registry; default {@code http://127.0.0.1:8081}
 * @param group the consumer group, or {@code null} for {@code offload-worker-<handler>}
 * @param topic the topic, or {@code null} for {@code offload.work.<handler>}
 * @param concurrency records in flight at most; default 0, the handler's own default: 64 for email,
 *     1024 for index and analytics (their batches grow with the records in flight)
 * @param database PostgreSQL of the processed-event marks and the analytics rollup
 * @param dedup how long a processed-event mark is kept (default 7 days) and how often old marks are
 *     purged (default 10 minutes)
 * @param smtp the SMTP server of the email handler ({@link EmailConfig}: {@code host}, default
 *     {@code 127.0.0.1}; {@code port}, default 2525, the one {@code offload dev} serves; {@code
 *     from}; {@code user}, empty for none; {@code password}, from {@code OFFLOAD_SMTP_PASSWORD} or
 *     {@code smtp.password-file}, never printed; {@code tls}; {@code connect-timeout}, {@code
 *     read-timeout} and {@code link-base-url})
 * @param indexDir the search index directory; default {@code offload-data/index}
 * @param http where health and metrics are served
 * @param rateLimits the limits on the whole worker and per key; default none
 */
public record WorkerRoleConfig(
    KafkaConfig kafka,
    @Text String registryUrl,
    @Nullable String group,
    @Nullable String topic,
    @AtLeast(0) int concurrency,
    Database database,
    Dedup dedup,
    EmailConfig smtp,
    Path indexDir,
    Http http,
    RateLimits rateLimits) {

  /** Default HTTP port of health and metrics, the one the compose Prometheus setup scrapes. */
  public static final int DEFAULT_HTTP_PORT = 8087;

  private static final WorkerRoleConfig DEFAULTS =
      new WorkerRoleConfig(
          KafkaConfig.of("127.0.0.1:9092"),
          "http://127.0.0.1:8081",
          null,
          null,
          0,
          new Database("jdbc:postgresql://127.0.0.1:5432/offload", "postgres", null, 0),
          new Dedup(DedupRetention.DEFAULT_RETENTION, DedupRetention.DEFAULT_INTERVAL),
          EmailConfig.defaults("127.0.0.1", WorkerPorts.DEFAULT_SMTP),
          Path.of("offload-data/index"),
          new Http("127.0.0.1", DEFAULT_HTTP_PORT),
          new RateLimits(null, null));

  /**
   * Loads, parses and prints the worker's file ({@code WorkerRoleConfig.LOADER.load(file, env,
   * options)}); names the variables it reads.
   */
  public static final ConfigLoader<WorkerRoleConfig> LOADER =
      ConfigLoader.of(WorkerRoleConfig.class, DEFAULTS, "worker configuration")
          .legacyEnv("OFFLOAD_JDBC_URL", "database.jdbc-url")
          .legacyEnv("OFFLOAD_JDBC_USER", "database.user")
          .legacyEnv("OFFLOAD_JDBC_PASSWORD", "database.password")
          .legacyEnv("OFFLOAD_JDBC_POOL_SIZE", "database.pool-size")
          .legacyEnv("OFFLOAD_WORKER_HTTP_PORT", "http.port")
          .legacyKey("jdbc.url", "database.jdbc-url")
          .legacyKey("jdbc.user", "database.user")
          .legacyKey("jdbc.pool-size", "database.pool-size");

  /** No rate limits when none are given; the loader checks the rest. */
  public WorkerRoleConfig {
    rateLimits = Objects.requireNonNullElse(rateLimits, new RateLimits(null, null));
  }

  /**
   * @param jdbcUrl the database's JDBC URL
   * @param user its user; default {@code postgres}
   * @param password its password, from {@code OFFLOAD_DATABASE_PASSWORD} or {@code
   *     database.password-file}; never printed
   * @param poolSize connections of the worker's pool (HikariCP); default 0, sized to the handler:
   *     one per email sending thread (a mail's mark is held open while it is sent), one per
   *     analytics batch thread plus one
   */
  public record Database(
      @Text String jdbcUrl,
      String user,
      @Nullable @Secret String password,
      @AtLeast(0) int poolSize) {
    /** Never shows the password. */
    @Override
    public String toString() {
      return Redacted.toString(this, "password");
    }
  }

  /**
   * @param retention how long a processed-event mark is kept; default 7 days
   * @param purgeInterval how often old marks are purged; default 10 minutes
   */
  public record Dedup(@Positive Duration retention, @Positive Duration purgeInterval) {}

  /**
   * @param host the address health and metrics are served on; default {@code 127.0.0.1}
   * @param port their port; default {@value #DEFAULT_HTTP_PORT}, 0 any free port, -1 none
   */
  public record Http(@Text String host, @Port(-1) int port) {}

  /**
   * @param perHandler the limit on the whole worker (a provider's quota), or {@code null} for none
   * @param perKey the limit per recipient (email) or per record key, or {@code null} for none
   */
  public record RateLimits(@Nullable Limit perHandler, @Nullable Limit perKey) {}

  /**
   * A rate limit.
   *
   * @param permits events per period, at least 1; default 1
   * @param period the period, positive; default one second
   */
  public record Limit(@AtLeast(1) Integer permits, @Positive Duration period) {
    /** Takes the defaults of the fields not given. */
    public Limit {
      permits = Objects.requireNonNullElse(permits, 1);
      period = Objects.requireNonNullElse(period, Duration.ofSeconds(1));
    }
  }
}
