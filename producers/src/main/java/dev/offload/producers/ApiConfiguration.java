package dev.offload.producers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.offload.schemas.outbox.OutboxMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 *   password-file: /run/secrets/offload-db   # or OFFLOAD_JDBC_PASSWORD
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
 * producer-name: dev                     # producer of keyless requests (auth.required false)
 * }</pre>
 *
 * <p>Environment variables override the file: {@code OFFLOAD_API_HOST}, {@code OFFLOAD_API_PORT},
 * {@code OFFLOAD_JDBC_URL}, {@code OFFLOAD_JDBC_USER}, {@code OFFLOAD_JDBC_PASSWORD} (or {@code
 * OFFLOAD_JDBC_PASSWORD_FILE}), {@code OFFLOAD_REGISTRY_URL}, {@code OFFLOAD_API_AUTH_REQUIRED} and
 * {@code OFFLOAD_OUTBOX_MODE}.
 *
 * @param api the API's settings
 * @param registryUrl the schema registry's base URL; default {@code http://127.0.0.1:8081}
 */
public record ApiConfiguration(ApiConfig api, String registryUrl) {
  /** Default {@link #registryUrl()}. */
  public static final String DEFAULT_REGISTRY_URL = "http://127.0.0.1:8081";

  /** Default JDBC URL of the database. */
  public static final String DEFAULT_JDBC_URL = "jdbc:postgresql://127.0.0.1:5432/offload";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
  private static final Map<String, Set<String>> KEYS =
      Map.of(
          "",
          Set.of(
              "http",
              "database",
              "registry",
              "auth",
              "limits",
              "rate-limit",
              "idempotency",
              "breaker",
              "outbox",
              "producer-name"),
          "http",
          Set.of("host", "port"),
          "database",
          Set.of("jdbc-url", "user", "password-file", "pool-size", "connect-timeout"),
          "registry",
          Set.of("url", "cache-ttl"),
          "auth",
          Set.of("required", "key-cache-ttl"),
          "limits",
          Set.of(
              "max-body-bytes",
              "max-batch-events",
              "max-nesting-depth",
              "max-string-length",
              "max-number-length",
              "request-timeout"),
          "rate-limit",
          Set.of("events-per-second", "burst"),
          "idempotency",
          Set.of("retention", "purge-interval"),
          "breaker",
          Set.of("failure-threshold", "open-for"),
          "outbox",
          Set.of("mode"));

  /** Checks both parts. */
  public ApiConfiguration {
    Objects.requireNonNull(api, "api");
    if (registryUrl == null || registryUrl.isBlank()) {
      throw new IllegalArgumentException("registry.url must not be blank");
    }
  }

  /** The defaults (keys required), with environment overrides. */
  public static ApiConfiguration defaults(Map<String, String> env) {
    return parse("{}", env);
  }

  /** Loads {@code file}, with environment overrides. */
  public static ApiConfiguration load(Path file, Map<String, String> env) {
    try {
      return parse(Files.readString(file), env);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read API configuration " + file, e);
    }
  }

  /**
   * Parses YAML text, with environment overrides.
   *
   * @throws IllegalArgumentException naming the first invalid field
   */
  public static ApiConfiguration parse(String yaml, Map<String, String> env) {
    Map<String, Object> root;
    try {
      root = section("", YAML.readValue(yaml, Object.class));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "API configuration is not valid YAML: " + e.getMessage(), e);
    }
    Map<String, Map<String, Object>> sections = new LinkedHashMap<>();
    for (String name : KEYS.keySet()) {
      if (!name.isEmpty()) {
        sections.put(name, section(name, root.get(name)));
      }
    }
    checkKeys("", root);
    sections.forEach(ApiConfiguration::checkKeys);
    Map<String, Object> http = sections.get("http");
    Map<String, Object> db = sections.get("database");
    Map<String, Object> registry = sections.get("registry");
    Map<String, Object> auth = sections.get("auth");
    Map<String, Object> limits = sections.get("limits");
    Map<String, Object> rate = sections.get("rate-limit");
    Map<String, Object> idempotency = sections.get("idempotency");
    Map<String, Object> breaker = sections.get("breaker");
    Map<String, Object> outbox = sections.get("outbox");
    ApiConfig d = ApiConfig.defaults();
    ApiConfig.Limits dl = d.limits();

    String jdbcUrl = first(env.get("OFFLOAD_JDBC_URL"), string(db, "jdbc-url", DEFAULT_JDBC_URL));
    String user = first(env.get("OFFLOAD_JDBC_USER"), string(db, "user", "postgres"));
    String password = password(env, string(db, "password-file", null));
    ApiConfig.Database database = ApiConfig.Database.fromJdbcUrl(jdbcUrl, user, password);

    boolean required =
        env.get("OFFLOAD_API_AUTH_REQUIRED") != null
                && !env.get("OFFLOAD_API_AUTH_REQUIRED").isBlank()
            ? bool("OFFLOAD_API_AUTH_REQUIRED", env.get("OFFLOAD_API_AUTH_REQUIRED"))
            : bool("auth.required", auth.getOrDefault("required", true));
    ApiConfig config =
        new ApiConfig(
            first(env.get("OFFLOAD_API_HOST"), string(http, "host", d.host())),
            env.get("OFFLOAD_API_PORT") != null && !env.get("OFFLOAD_API_PORT").isBlank()
                ? integer("OFFLOAD_API_PORT", env.get("OFFLOAD_API_PORT"))
                : integer("http.port", http.getOrDefault("port", d.port())),
            database,
            integer(
                "limits.max-body-bytes", limits.getOrDefault("max-body-bytes", d.maxBodyBytes())),
            string(root, "producer-name", d.producerName()),
            integer("database.pool-size", db.getOrDefault("pool-size", d.dbPoolSize())),
            duration(db, "database.connect-timeout", "connect-timeout", d.dbConnectTimeout()),
            duration(registry, "registry.cache-ttl", "cache-ttl", d.schemaCacheTtl()),
            new ApiConfig.Limits(
                integer(
                    "limits.max-batch-events",
                    limits.getOrDefault("max-batch-events", dl.maxBatchEvents())),
                integer(
                    "limits.max-nesting-depth",
                    limits.getOrDefault("max-nesting-depth", dl.maxNestingDepth())),
                integer(
                    "limits.max-string-length",
                    limits.getOrDefault("max-string-length", dl.maxStringLength())),
                integer(
                    "limits.max-number-length",
                    limits.getOrDefault("max-number-length", dl.maxNumberLength())),
                duration(limits, "limits.request-timeout", "request-timeout", dl.requestTimeout())),
            new ApiConfig.Auth(
                required,
                duration(auth, "auth.key-cache-ttl", "key-cache-ttl", d.auth().keyCacheTtl())),
            new ApiConfig.RateLimit(
                number(
                    "rate-limit.events-per-second",
                    rate.getOrDefault("events-per-second", d.rateLimit().eventsPerSecond())),
                integer("rate-limit.burst", rate.getOrDefault("burst", d.rateLimit().burst()))),
            new ApiConfig.Idempotency(
                duration(
                    idempotency, "idempotency.retention", "retention", d.idempotency().retention()),
                duration(
                    idempotency,
                    "idempotency.purge-interval",
                    "purge-interval",
                    d.idempotency().purgeInterval())),
            new ApiConfig.Breaker(
                integer(
                    "breaker.failure-threshold",
                    breaker.getOrDefault("failure-threshold", d.breaker().failureThreshold())),
                duration(breaker, "breaker.open-for", "open-for", d.breaker().openFor())),
            outboxMode(first(env.get("OFFLOAD_OUTBOX_MODE"), string(outbox, "mode", "table"))));
    String registryUrl =
        first(env.get("OFFLOAD_REGISTRY_URL"), string(registry, "url", DEFAULT_REGISTRY_URL));
    return new ApiConfiguration(config, registryUrl);
  }

  private static OutboxMode outboxMode(String text) {
    try {
      return OutboxMode.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("outbox.mode: " + e.getMessage(), e);
    }
  }

  private static String password(Map<String, String> env, String fileFromYaml) {
    String inline = env.get("OFFLOAD_JDBC_PASSWORD");
    if (inline != null) {
      return inline;
    }
    String file = first(env.get("OFFLOAD_JDBC_PASSWORD_FILE"), fileFromYaml);
    if (file == null) {
      return "";
    }
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "database.password-file: cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> section(String name, Object value) {
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(
          (name.isEmpty() ? "the configuration" : name)
              + ": expected a mapping, got '"
              + value
              + "'");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(String.valueOf(k), v));
    return out;
  }

  private static void checkKeys(String section, Map<String, Object> values) {
    Set<String> allowed = KEYS.get(section);
    for (String key : values.keySet()) {
      if (!allowed.contains(key)) {
        throw new IllegalArgumentException(
            (section.isEmpty() ? key : section + "." + key)
                + ": unknown setting; known: "
                + List.copyOf(new java.util.TreeSet<>(allowed)));
      }
    }
  }

  private static String first(String preferred, String fallback) {
    return preferred != null && !preferred.isBlank() ? preferred : fallback;
  }

  private static String string(Map<String, Object> values, String key, String fallback) {
    Object v = values.get(key);
    return v == null ? fallback : v.toString();
  }

  private static int integer(String field, Object value) {
    try {
      return Integer.parseInt(value.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(field + ": not an integer: '" + value + "'", e);
    }
  }

  private static double number(String field, Object value) {
    try {
      return Double.parseDouble(value.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(field + ": not a number: '" + value + "'", e);
    }
  }

  private static boolean bool(String field, Object value) {
    String text = value.toString().trim().toLowerCase(Locale.ROOT);
    return switch (text) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw new IllegalArgumentException(field + ": not true or false: '" + value + "'");
    };
  }

  private static Duration duration(
      Map<String, Object> values, String field, String key, Duration fallback) {
    Object v = values.get(key);
    return v == null ? fallback : parseDuration(field, v.toString());
  }

  /** Parses {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d} or ISO-8601. */
  static Duration parseDuration(String field, String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    Matcher m = SHORT_DURATION.matcher(t);
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
      }
      return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          field + ": not a duration (e.g. 500ms, 30s, 5m, 1h, PT1H): '" + text + "'", e);
    }
  }
}
