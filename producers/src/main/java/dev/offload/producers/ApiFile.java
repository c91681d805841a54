package dev.offload.producers;

import dev.offload.runtime.config.Secret;
import dev.offload.schemas.outbox.OutboxMode;
import java.time.Duration;

/**
 * The {@code api} role's file as {@link ApiConfiguration} documents it, key for key; {@link
 * dev.offload.runtime.config.ConfigLoader} binds it, {@link #toConfiguration()} makes the role's
 * configuration of it. The sections that have the shape of the configuration's are its records.
 */
record ApiFile(
    Http http,
    Database database,
    Registry registry,
    ApiConfig.Auth auth,
    Limits limits,
    ApiConfig.RateLimit rateLimit,
    ApiConfig.Idempotency idempotency,
    ApiConfig.Breaker breaker,
    Outbox outbox,
    String producerName) {

  record Http(String host, int port) {}

  record Database(
      String jdbcUrl,
      String user,
      @Secret String password,
      int poolSize,
      Duration connectTimeout) {}

  record Registry(String url, Duration cacheTtl) {}

  record Limits(
      int maxBodyBytes,
      int maxBatchEvents,
      int maxNestingDepth,
      int maxStringLength,
      int maxNumberLength,
      Duration requestTimeout) {}

  record Outbox(String mode, boolean requireCapture) {}

  /** The file with every key at its default; API keys required. */
  static ApiFile defaults() {
    ApiConfig d = ApiConfig.defaults();
    ApiConfig.Limits l = d.limits();
    return new ApiFile(
        new Http(d.host(), d.port()),
        new Database(
            ApiConfiguration.DEFAULT_JDBC_URL,
            d.database().user(),
            "",
            d.dbPoolSize(),
            d.dbConnectTimeout()),
        new Registry(ApiConfiguration.DEFAULT_REGISTRY_URL, d.schemaCacheTtl()),
        ApiConfig.Auth.keysRequired(),
        new Limits(
            d.maxBodyBytes(),
            l.maxBatchEvents(),
            l.maxNestingDepth(),
            l.maxStringLength(),
            l.maxNumberLength(),
            l.requestTimeout()),
        d.rateLimit(),
        d.idempotency(),
        d.breaker(),
        new Outbox("table", true),
        d.producerName());
  }

  /**
   * The role's configuration.
   *
   * @throws IllegalArgumentException naming the field at fault
   */
  ApiConfiguration toConfiguration() {
    ApiConfig config =
        new ApiConfig(
            http.host(),
            http.port(),
            ApiConfig.Database.fromJdbcUrl(
                database.jdbcUrl(), database.user(), database.password()),
            limits.maxBodyBytes(),
            producerName,
            database.poolSize(),
            database.connectTimeout(),
            registry.cacheTtl(),
            new ApiConfig.Limits(
                limits.maxBatchEvents(),
                limits.maxNestingDepth(),
                limits.maxStringLength(),
                limits.maxNumberLength(),
                limits.requestTimeout()),
            auth,
            rateLimit,
            idempotency,
            breaker,
            outboxMode(outbox.mode()),
            outbox.requireCapture());
    return new ApiConfiguration(config, registry.url());
  }

  private static OutboxMode outboxMode(String text) {
    try {
      return OutboxMode.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("outbox.mode: " + e.getMessage(), e);
    }
  }
}
