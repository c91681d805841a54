package dev.offload.producers;

import dev.offload.runtime.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The configuration file of the {@code api} role ({@code offload api -c api.yaml}): where the API
 * listens, its database and schema registry, and its limits. Every key is optional; unknown keys
 * are refused (a typo must not silently keep a default). Unlike {@link ApiConfig#defaults()}, API
 * keys are required unless {@code auth.required: false}, which only a loopback host allows.
 *
 * <pre>{@code
 * http: {host: 0.0.0.0, port: 8080}
 * database:
 *   jdbc-url: jdbc:postgresql://db.internal:5432/offload
 *   user: offload
 *   password-file: /run/secrets/offload-db   # or OFFLOAD_DATABASE_PASSWORD
 *   pool-size: 16
 *   connect-timeout: 5s
 * registry: {url: http://registry.internal:8081, cache-ttl: 5s}
 * auth: {required: true, key-cache-ttl: 5s}
 * limits:
 *   max-body-bytes: 1048576
 *   max-batch-events: 500
 *   max-nesting-depth: 32
 *   max-string-length: 262144
 *   max-number-length: 100
 *   request-timeout: 10s
 * rate-limit: {events-per-second: 1000, burst: 2000}   # events-per-second 0: no limit
 * idempotency: {retention: 24h, purge-interval: 10m}
 * breaker: {failure-threshold: 5, open-for: 5s}
 * outbox: {mode: table}                  # or message: table-less, pg_logical_emit_message
 *   # require-capture: true               # 503 capture-not-ready while no replication slot exists
 * producer-name: dev                     # producer of keyless requests (auth.required false)
 * }</pre>
 *
 * <p>Environment variables override the file, one per key, named by {@link ConfigLoader}'s rule:
 * {@code OFFLOAD_} and the key's dotted path upper-cased ({@code OFFLOAD_HTTP_HOST}, {@code
 * OFFLOAD_HTTP_PORT}, {@code OFFLOAD_DATABASE_JDBC_URL}, {@code OFFLOAD_DATABASE_USER}, {@code
 * OFFLOAD_REGISTRY_URL}, {@code OFFLOAD_AUTH_REQUIRED}, {@code OFFLOAD_OUTBOX_MODE}, …). The
 * password comes from {@code OFFLOAD_DATABASE_PASSWORD} or the file {@code password-file} (or
 * {@code OFFLOAD_DATABASE_PASSWORD_FILE}) names, never from this file. The names read before
 * ({@code OFFLOAD_API_HOST}, {@code OFFLOAD_API_PORT}, {@code OFFLOAD_JDBC_URL}, {@code
 * OFFLOAD_JDBC_USER}, {@code OFFLOAD_JDBC_PASSWORD}, {@code OFFLOAD_JDBC_PASSWORD_FILE}, {@code
 * OFFLOAD_API_AUTH_REQUIRED}) still work for one release, each with a warning.
 *
 * @param api the API's settings
 * @param registryUrl the schema registry's base URL; default {@code http://127.0.0.1:8081}
 */
public record ApiConfiguration(ApiConfig api, String registryUrl) {
  /** Default {@link #registryUrl()}. */
  public static final String DEFAULT_REGISTRY_URL = "http://127.0.0.1:8081";

  /** Default JDBC URL of the database. */
  public static final String DEFAULT_JDBC_URL = "jdbc:postgresql://127.0.0.1:5432/offload";

  private static final ConfigLoader<ApiFile> LOADER =
      ConfigLoader.builder(ApiFile.class, ApiFile.defaults())
          .describedAs("API configuration")
          .legacyEnv("OFFLOAD_API_HOST", "http.host")
          .legacyEnv("OFFLOAD_API_PORT", "http.port")
          .legacyEnv("OFFLOAD_JDBC_URL", "database.jdbc-url")
          .legacyEnv("OFFLOAD_JDBC_USER", "database.user")
          .legacyEnv("OFFLOAD_JDBC_PASSWORD", "database.password")
          .legacyEnv("OFFLOAD_JDBC_PASSWORD_FILE", "database.password-file")
          .legacyEnv("OFFLOAD_API_AUTH_REQUIRED", "auth.required")
          .build();

  /** Checks both parts. */
  public ApiConfiguration {
    Objects.requireNonNull(api, "api");
    if (registryUrl == null || registryUrl.isBlank()) {
      throw new IllegalArgumentException("registry.url must not be blank");
    }
  }

  /** Every environment variable the file's keys are overridden by, legacy names included. */
  public static Set<String> environmentVariables() {
    return LOADER.environmentVariables();
  }

  /** The defaults (keys required), with environment overrides. */
  public static ApiConfiguration defaults(Map<String, String> env) {
    return LOADER.defaults(env).toConfiguration();
  }

  /**
   * Loads {@code file}, with environment overrides.
   *
   * @throws IllegalArgumentException naming the first invalid field (and the file, for a key)
   */
  public static ApiConfiguration load(Path file, Map<String, String> env) {
    return LOADER.load(file, env).toConfiguration();
  }

  /**
   * Parses YAML text, with environment overrides.
   *
   * @throws IllegalArgumentException naming the first invalid field
   */
  public static ApiConfiguration parse(String yaml, Map<String, String> env) {
    return LOADER.parse(yaml, "the API configuration", env).toConfiguration();
  }

  /**
   * Loads {@code file} (the defaults when {@code null}), with environment overrides and then the
   * command line's {@code options}, by dotted key ({@code http.port}; a {@code null} value keeps
   * the key as it is).
   *
   * @throws IllegalArgumentException naming the first invalid field
   */
  public static ApiConfiguration load(
      Path file, Map<String, String> env, Map<String, String> options) {
    return LOADER.load(file, env, options).toConfiguration();
  }

  /**
   * The effective file ({@code file}, or the defaults when {@code null}, with environment overrides
   * and then the command line's {@code options}) as YAML, secrets masked: what {@code offload api
   * --print-config} shows.
   *
   * @throws IllegalArgumentException as {@link #load} does
   */
  public static String print(Path file, Map<String, String> env, Map<String, String> options) {
    ApiFile effective = LOADER.load(file, env, options);
    effective.toConfiguration();
    return LOADER.print(effective);
  }
}
