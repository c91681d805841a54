package dev.offload.producers;

import dev.offload.runtime.config.Secret;
import dev.offload.schemas.outbox.OutboxMode;
import java.time.Duration;

/**
 * The {@code api} role's file as {@link ApiConfiguration} documents it, key for key; {@link
 * dev.offload.runtime.config.ConfigLoader} binds it, {@link #toConfiguration()} makes the role's
 * configuration of it.
 */
record ApiFile(
    Http http,
    Database database,
    Registry registry,
    Auth auth,
    Limits limits,
    RateLimit rateLimit,
    Idempotency idempotency,
    Breaker breaker,
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

  record Auth(boolean required, Duration keyCacheTtl) {}

  record Limits(
      int maxBodyBytes,
      int maxBatchEvents,
      int maxNestingDepth,
      int maxStringLength,
      int maxNumberLength,
      Duration requestTimeout) {}

  record RateLimit(double eventsPerSecond, int burst) {}

  record Idempotency(Duration retention, Duration purgeInterval) {}

  record Breaker(int failureThreshold, Duration openFor) {}

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
        new Auth(true, d.auth().keyCacheTtl()),
        new Limits(
            d.maxBodyBytes(),
            l.maxBatchEvents(),
            l.maxNestingDepth(),
            l.maxStringLength(),
            l.maxNumberLength(),
            l.requestTimeout()),
        new RateLimit(d.rateLimit().eventsPerSecond(), d.rateLimit().burst()),
        new Idempotency(d.idempotency().retention(), d.idempotency().purgeInterval()),
        new Breaker(d.breaker().failureThreshold(), d.breaker().openFor()),
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
            new ApiConfig.Auth(auth.required(), auth.keyCacheTtl()),
            new ApiConfig.RateLimit(rateLimit.eventsPerSecond(), rateLimit.burst()),
            new ApiConfig.Idempotency(idempotency.retention(), idempotency.purgeInterval()),
            new ApiConfig.Breaker(breaker.failureThreshold(), breaker.openFor()),
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
