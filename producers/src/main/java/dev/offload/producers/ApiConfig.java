package dev.offload.producers;

import dev.offload.runtime.config.ConfigLoader;
import dev.offload.runtime.config.Secret;
import dev.offload.schemas.Redacted;
import dev.offload.schemas.config.ConfigChecks;
import dev.offload.schemas.config.ConfigChecks.AtLeast;
import dev.offload.schemas.config.ConfigChecks.Millis;
import dev.offload.schemas.config.ConfigChecks.Port;
import dev.offload.schemas.config.ConfigChecks.Text;
import dev.offload.schemas.outbox.OutboxMode;
import io.netty.util.NetUtil;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code api} role's configuration ({@code offload api -c api.yaml}), bound from its YAML file
 * and read by {@link IngestApi}: where the API listens, its database and schema registry, and its
 * limits. Every key is optional; unknown keys are refused (a typo must not silently keep a
 * default). API keys are required unless {@code auth.required: false}, which only a loopback host
 * allows. Code that starts an API itself (a test, a benchmark, the dev stack) begins from {@link
 * #of} and changes keys with {@link #with}.
 *
 * <pre>{@code
 * http: {host: 0.0.0.0, port: 8080}      # port 0: any free port
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
 * @param http where the API listens
 * @param database the PostgreSQL database that holds the outbox
 * @param registry the schema registry events are validated against
 * @param auth whether requests must carry an app's API key
 * @param limits what one request may hold and how long it may take
 * @param rateLimit events per second each app may publish
 * @param idempotency how long {@code Idempotency-Key}s are remembered
 * @param breaker when the API stops trying a failing database for a while
 * @param outbox how events are written, and whether only while they are captured
 * @param producerName name stored in the outbox {@code producer} column of every request without an
 *     API key (the {@code offload-producer} header downstream), at most {@value
 *     #MAX_PRODUCER_NAME_LENGTH} characters; default {@value #DEFAULT_PRODUCER_NAME}
 */
public record ApiConfig(
    Http http,
    Database database,
    Registry registry,
    Auth auth,
    Limits limits,
    RateLimit rateLimit,
    Idempotency idempotency,
    Breaker breaker,
    Outbox outbox,
    @Text String producerName)
    implements ConfigChecks.Rules {

  /** Default {@code http.port}. */
  public static final int DEFAULT_PORT = 8080;

  /** Default {@code producer-name}, the built-in app of requests without a key. */
  public static final String DEFAULT_PRODUCER_NAME = "dev";

  /** Default {@code registry.cache-ttl}. */
  public static final Duration DEFAULT_SCHEMA_CACHE_TTL = Duration.ofSeconds(5);

  /** Longest {@code producer-name}: the width of the outbox {@code producer} column. */
  public static final int MAX_PRODUCER_NAME_LENGTH = 255;

  private static final Pattern JDBC_URL =
      Pattern.compile(
          "jdbc:postgresql://(?:\\[[0-9a-fA-F:.]+\\]|[^/:?\\[\\]]+)(?::(\\d{1,5}))?/[^/?#]+");

  private static final ApiConfig DEFAULTS =
      new ApiConfig(
          new Http("127.0.0.1", DEFAULT_PORT),
          new Database(
              "jdbc:postgresql://127.0.0.1:5432/offload",
              "postgres",
              "",
              16,
              Duration.ofSeconds(5)),
          new Registry("http://127.0.0.1:8081", DEFAULT_SCHEMA_CACHE_TTL),
          new Auth(true, Duration.ofSeconds(5)),
          new Limits(1024 * 1024, 500, 32, 262_144, 100, Duration.ofSeconds(10)),
          new RateLimit(1000, 2000),
          new Idempotency(Duration.ofHours(24), Duration.ofMinutes(10)),
          new Breaker(5, Duration.ofSeconds(5)),
          new Outbox(OutboxMode.TABLE, true),
          DEFAULT_PRODUCER_NAME);

  /**
   * Loads, parses and prints the API's file ({@code ApiConfig.LOADER.load(file, env, options)}),
   * names the variables it reads; {@code offload api --print-config} prints what {@code
   * LOADER.print} does.
   */
  public static final ConfigLoader<ApiConfig> LOADER =
      ConfigLoader.of(ApiConfig.class, DEFAULTS, "API configuration")
          .legacyEnv("OFFLOAD_API_HOST", "http.host")
          .legacyEnv("OFFLOAD_API_PORT", "http.port")
          .legacyEnv("OFFLOAD_JDBC_URL", "database.jdbc-url")
          .legacyEnv("OFFLOAD_JDBC_USER", "database.user")
          .legacyEnv("OFFLOAD_JDBC_PASSWORD", "database.password")
          .legacyEnv("OFFLOAD_JDBC_PASSWORD_FILE", "database.password-file")
          .legacyEnv("OFFLOAD_API_AUTH_REQUIRED", "auth.required");

  /**
   * Checks the rules that span two sections, after the {@link ConfigChecks} of the components: by
   * the loader and by {@link #of}.
   */
  @Override
  public void checkRules() {
    if (producerName.length() > MAX_PRODUCER_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "producer-name must be at most "
              + MAX_PRODUCER_NAME_LENGTH
              + " characters, was: "
              + producerName.length());
    }
    if (!auth.required() && !isLoopback(http.host())) {
      throw new IllegalArgumentException(
          "auth.required must be true when the API listens on "
              + http.host()
              + ", which is not a loopback address: without keys anyone who reaches it could"
              + " publish. Register apps with `offload apps create` and keep auth.required true,"
              + " or bind to 127.0.0.1");
    }
    if (rateLimit.enabled() && rateLimit.burst() < limits.maxBatchEvents()) {
      throw new IllegalArgumentException(
          "rate-limit.burst must be at least limits.max-batch-events ("
              + limits.maxBatchEvents()
              + "), or a full batch could never pass; was: "
              + rateLimit.burst());
    }
  }

  /**
   * @param host interface the HTTP server binds to; default {@code 127.0.0.1}
   * @param port HTTP port, 0 any free one (see {@link IngestApi#port()}); default {@value
   *     #DEFAULT_PORT}
   */
  public record Http(@Text String host, @Port(0) int port) {}

  /**
   * Where the outbox lives: a PostgreSQL database with {@code wal_level=logical}. {@link
   * #toString()} never shows the password.
   *
   * @param jdbcUrl {@code jdbc:postgresql://host[:port]/name} (port 5432 when absent; no query
   *     parameters); default {@code jdbc:postgresql://127.0.0.1:5432/offload}
   * @param user user that may create the outbox table; default {@code postgres} (the embedded
   *     server's user)
   * @param password that user's password, may be empty; default empty
   * @param poolSize most database connections the API holds open; default 16
   * @param connectTimeout longest wait to open or borrow a connection before a request is answered
   *     {@code 503}; default 5 seconds
   */
  public record Database(
      String jdbcUrl,
      @Text String user,
      @Secret String password,
      @AtLeast(1) int poolSize,
      @Millis Duration connectTimeout) {

    /** Validates the URL. */
    public Database {
      Matcher m = JDBC_URL.matcher(jdbcUrl == null ? "" : jdbcUrl.trim());
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "database.jdbc-url must look like jdbc:postgresql://host:5432/offload, was: "
                + jdbcUrl);
      }
      if (m.group(1) != null) {
        ConfigChecks.port(Integer.parseInt(m.group(1)), 1, "database.jdbc-url's port");
      }
    }

    /**
     * The database of {@code jdbcUrl}, with the default pool.
     *
     * @throws IllegalArgumentException naming {@code database.jdbc-url} when the URL is not of the
     *     form {@code jdbc:postgresql://host[:port]/name}
     */
    public static Database fromJdbcUrl(String jdbcUrl, String user, String password) {
      Database d = DEFAULTS.database;
      return ConfigChecks.check(
          new Database(jdbcUrl, user, password, d.poolSize, d.connectTimeout), "database.");
    }

    /** Every component, the password masked. */
    @Override
    public String toString() {
      return Redacted.toString(this, "password");
    }
  }

  /**
   * @param url the schema registry's base URL; default {@code http://127.0.0.1:8081}
   * @param cacheTtl how long the latest schema of an event type is reused before the registry is
   *     asked again, so a new version is in force within this time; 1 ms to 24 days; default {@code
   *     5s}
   */
  public record Registry(@Text String url, @Millis Duration cacheTtl) {}

  /**
   * Whether a request must carry an app's API key ({@code Authorization: Bearer <key>}).
   *
   * @param required {@code true} (the default): a request without a valid key is answered {@code
   *     401}; {@code false}: a request without a key publishes as {@code producer-name} with any
   *     event type (a request with a key is still checked and attributed to its app); allowed on a
   *     loopback {@code http.host} only
   * @param keyCacheTtl how long the API reuses what it looked up about a key; a revoked or rotated
   *     key stops working within this time; default 5 seconds
   */
  public record Auth(boolean required, @Millis Duration keyCacheTtl) {}

  /**
   * What one request may hold and how long it may take. JSON limits are enforced while parsing
   * (Jackson's {@code StreamReadConstraints}) and answered {@code 400 limit-exceeded} naming the
   * limit.
   *
   * @param maxBodyBytes largest request body accepted, larger bodies get {@code 413}; default 1 MiB
   * @param maxBatchEvents most events in one {@code POST /v1/events:batch}; more are answered
   *     {@code 413 too-many-events}; default 500
   * @param maxNestingDepth deepest nesting of JSON objects and arrays in a body; default 32
   * @param maxStringLength longest JSON string (and member name), in characters; default 262144
   * @param maxNumberLength longest JSON number, in characters; default 100
   * @param requestTimeout longest time from the request's arrival to its answer: a request whose
   *     body has not fully arrived by then (a {@code Content-Length} larger than what was sent) is
   *     answered {@code 400 incomplete-body}, any other {@code 503 timeout}; default 10 seconds
   */
  public record Limits(
      @AtLeast(1) int maxBodyBytes,
      @AtLeast(1) int maxBatchEvents,
      @AtLeast(1) int maxNestingDepth,
      @AtLeast(1) int maxStringLength,
      @AtLeast(1) int maxNumberLength,
      @Millis Duration requestTimeout) {}

  /**
   * A token bucket per app: {@code burst} events at once, refilled at {@code eventsPerSecond}. A
   * batch takes one token per event. A request beyond it is answered {@code 429} with {@code
   * Retry-After}.
   *
   * @param eventsPerSecond sustained rate per app; {@code 0} turns the limit off; default 1000
   * @param burst most events at once, at least {@code limits.max-batch-events}; default 2000
   */
  public record RateLimit(double eventsPerSecond, @AtLeast(1) int burst) {
    /** Validates the rate. */
    public RateLimit {
      if (!(eventsPerSecond >= 0) || Double.isInfinite(eventsPerSecond)) {
        throw new IllegalArgumentException(
            "rate-limit.events-per-second must be 0 (off) or positive, was: " + eventsPerSecond);
      }
    }

    /** Whether there is a limit. */
    public boolean enabled() {
      return eventsPerSecond > 0;
    }
  }

  /**
   * How long an {@code Idempotency-Key} is remembered.
   *
   * @param retention a retry with the same key within this time answers the first request's event
   *     ids and writes nothing; default 24 hours
   * @param purgeInterval how often expired keys are deleted; default 10 minutes
   */
  public record Idempotency(@Millis Duration retention, @Millis Duration purgeInterval) {}

  /**
   * The circuit breaker in front of the database: after {@code failureThreshold} consecutive
   * failures it opens and every write is answered {@code 503} at once, with {@code Retry-After},
   * for {@code openFor}; then one request probes the database (half-open) and its outcome closes or
   * reopens the breaker.
   *
   * @param failureThreshold consecutive failures that open it; default 5
   * @param openFor how long it stays open before a probe; default 5 seconds
   */
  public record Breaker(@AtLeast(1) int failureThreshold, @Millis Duration openFor) {}

  /**
   * @param mode how events are written: rows of the outbox table, or table-less logical decoding
   *     messages; default {@code table}
   * @param requireCapture whether events are refused ({@code 503 capture-not-ready}) while no
   *     logical replication slot exists in the database: an event committed before the connector's
   *     slot exists never reaches Kafka, since the outbox keeps it only in the WAL. On by default;
   *     off in {@link #of}, for an API embedded in a test or a bench that runs no connector
   */
  public record Outbox(OutboxMode mode, boolean requireCapture) {}

  /**
   * The configuration of an API that code starts beside its database (a test, a benchmark, the dev
   * stack): the defaults, writing to the database of {@code jdbcUrl}, on any free port of {@code
   * 127.0.0.1}, with API keys optional (a request without one publishes as {@code producer-name})
   * and events accepted whether or not a connector captures them yet.
   *
   * @throws IllegalArgumentException naming the key at fault
   */
  public static ApiConfig of(String jdbcUrl, String user, String password) {
    ApiConfig c = LOADER.with(DEFAULTS, "database", Database.fromJdbcUrl(jdbcUrl, user, password));
    return c.with(
        Map.of("http.port", "0", "auth.required", "false", "outbox.require-capture", "false"));
  }

  /**
   * This configuration with {@code keys} set, by dotted key as the file names them ({@code
   * limits.max-batch-events}; a list comma-separated, the password not at all); validated as a file
   * is.
   *
   * @throws IllegalArgumentException naming the key at fault
   */
  public ApiConfig with(Map<String, String> keys) {
    return LOADER.with(this, keys);
  }

  /**
   * Whether {@code host} is a loopback address: {@code localhost}, {@code 127.x.y.z} or {@code
   * ::1}. Host names other than {@code localhost} are not resolved and count as not loopback.
   */
  public static boolean isLoopback(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    byte[] address = NetUtil.createByteArrayFromIpAddressString(h);
    return h.equals("localhost")
        || (address != null && address.length == 4 && address[0] == 127)
        || (address != null && Arrays.equals(address, NetUtil.LOCALHOST6.getAddress()));
  }
}
