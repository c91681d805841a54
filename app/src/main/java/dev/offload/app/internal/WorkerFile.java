package dev.offload.app.internal;

import dev.offload.consumers.dedup.DedupRetention;
import dev.offload.runtime.config.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The worker role's file as {@link WorkerRoleConfig} documents it, key for key; {@link
 * dev.offload.runtime.config.ConfigLoader} binds it, {@link #toConfig()} makes the role's
 * configuration of it.
 */
record WorkerFile(
    Kafka kafka,
    String registryUrl,
    String group,
    String topic,
    int concurrency,
    Database database,
    Dedup dedup,
    Smtp smtp,
    Path indexDir,
    Http http,
    RateLimits rateLimits) {

  record Kafka(String bootstrapServers, Map<String, String> properties) {}

  record Database(String jdbcUrl, String user, @Secret String password, int poolSize) {}

  record Dedup(Duration retention, Duration purgeInterval) {}

  record Smtp(
      String host, int port, String from, String user, @Secret String password, boolean tls) {}

  record Http(String host, int port) {}

  record RateLimits(Limit perHandler, Limit perKey) {}

  /** A limit as written; an unset permits is 1, an unset period one second. */
  record Limit(Integer permits, Duration period) {}

  /** The file with every key at its default. */
  static WorkerFile defaults() {
    return new WorkerFile(
        new Kafka("127.0.0.1:9092", Map.of()),
        "http://127.0.0.1:8081",
        null,
        null,
        0,
        new Database("jdbc:postgresql://127.0.0.1:5432/offload", "postgres", null, 0),
        new Dedup(DedupRetention.DEFAULT_RETENTION, DedupRetention.DEFAULT_INTERVAL),
        new Smtp(
            "127.0.0.1",
            WorkerPorts.DEFAULT_SMTP,
            "Offload <no-reply@offload.local>",
            "",
            null,
            false),
        Path.of("offload-data/index"),
        new Http("127.0.0.1", WorkerRoleConfig.DEFAULT_HTTP_PORT),
        new RateLimits(null, null));
  }

  /**
   * The role's configuration.
   *
   * @throws IllegalArgumentException naming the field at fault
   */
  WorkerRoleConfig toConfig() {
    return new WorkerRoleConfig(
        kafka.bootstrapServers(),
        kafka.properties(),
        registryUrl,
        group,
        topic,
        concurrency,
        database.jdbcUrl(),
        database.user(),
        database.password(),
        database.poolSize(),
        dedup.retention(),
        dedup.purgeInterval(),
        smtp.host(),
        smtp.port(),
        smtp.from(),
        smtp.user(),
        smtp.password(),
        smtp.tls(),
        indexDir,
        http.host(),
        http.port(),
        limit(rateLimits.perHandler()),
        limit(rateLimits.perKey()));
  }

  private static WorkerRoleConfig.Limit limit(Limit limit) {
    if (limit == null) {
      return null;
    }
    return new WorkerRoleConfig.Limit(
        limit.permits() == null ? 1 : limit.permits(),
        limit.period() == null ? Duration.ofSeconds(1) : limit.period());
  }
}
