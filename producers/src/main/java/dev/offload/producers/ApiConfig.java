package dev.offload.producers;

import dev.offload.schemas.outbox.OutboxMode;
import java.time.Duration;
import java.util.Objects;

/**
 * Configuration of the ingest API role ({@link IngestApi}).
 *
 * <p>Every component is validated when the record is built; the message of the {@link
 * IllegalArgumentException} names the offending field. Start from {@link #defaults()}, which runs
 * on the embedded dev stack, and change what differs with a {@link #builder()}.
 *
 * @param host interface the HTTP server binds to; default {@code 127.0.0.1}
 * @param port HTTP port; {@code 0} picks a free port (see {@link IngestApi#port()}); default {@code
 *     8080}
 * @param database the PostgreSQL database that holds the outbox; default {@link
 *     Database#defaults()}
 * @param maxBodyBytes largest request body accepted, larger bodies get {@code 413}; default 1 MiB
 * @param producerName name stored in the outbox {@code producer} column of every event (the {@code
 *     offload-producer} header downstream), at most 255 characters; default {@code dev}
 * @param dbPoolSize most database connections the API holds open; default {@code 16}
 * @param dbConnectTimeout longest wait to open or borrow a database connection before a request is
 *     answered {@code 503}; default 5 seconds
 * @param schemaCacheTtl how long the latest schema of an event type is reused before the schema
 *     registry is asked again, so a new version is in force within this time (used only when the
 *     API has a schema registry); at least 1 ms; default 5 seconds
 * @param limits what one request may hold and how long it may take; default {@link
 *     Limits#defaults()}
 * @param auth whether requests must carry an app's API key; default {@link Auth#keysOptional()}: a
 *     request without a key publishes as {@link #producerName()} (the dev stack's way; allowed on a
 *     loopback {@link #host()} only)
 * @param rateLimit events per second each app may publish; default {@link RateLimit#defaults()}
 * @param idempotency how long {@code Idempotency-Key}s are remembered; default {@link
 *     Idempotency#defaults()}
 * @param breaker when the API stops trying a failing database for a while; default {@link
 *     Breaker#defaults()}
 * @param outboxMode how events are written ({@code outbox.mode: table|message}): rows of the outbox
 *     table, or table-less logical decoding messages; default {@link OutboxMode#TABLE}
 * @param requireCapture whether events are refused ({@code 503 capture-not-ready}) while no logical
 *     replication slot exists in the database ({@code outbox.require-capture}): an event committed
 *     before the connector's slot exists never reaches Kafka, since the outbox keeps it only in the
 *     WAL. The {@code api} role's file and {@code offload dev} turn it on; off in {@link
 *     #defaults()}, for an API embedded in a test or a bench that runs no connector
 */
public record ApiConfig(
    String host,
    int port,
    Database database,
    int maxBodyBytes,
    String producerName,
    int dbPoolSize,
    Duration dbConnectTimeout,
    Duration schemaCacheTtl,
    Limits limits,
    Auth auth,
    RateLimit rateLimit,
    Idempotency idempotency,
    Breaker breaker,
    OutboxMode outboxMode,
    boolean requireCapture) {

  /** Default {@link #host()}: loopback only. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  /** Default {@link #port()}. */
  public static final int DEFAULT_PORT = 8080;

  /** Default {@link #maxBodyBytes()}: 1 MiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

  /** Default {@link #producerName()}, until application keys name the producer. */
  public static final String DEFAULT_PRODUCER_NAME = "dev";

  /** Default {@link #dbPoolSize()}. */
  public static final int DEFAULT_DB_POOL_SIZE = 16;

  /** Default {@link #dbConnectTimeout()}. */
  public static final Duration DEFAULT_DB_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** Default {@link #schemaCacheTtl()}. */
  public static final Duration DEFAULT_SCHEMA_CACHE_TTL = Duration.ofSeconds(5);

  /** Longest {@link #producerName()}: the width of the outbox {@code producer} column. */
  public static final int MAX_PRODUCER_NAME_LENGTH = 255;

  /** Validates every component. */
  public ApiConfig {
    requireText(host, "host");
    requirePort(port, 0, "port");
    Objects.requireNonNull(database, "database must not be null");
    if (maxBodyBytes <= 0) {
      throw new IllegalArgumentException("maxBodyBytes must be positive, was: " + maxBodyBytes);
    }
    requireText(producerName, "producerName");
    if (producerName.length() > MAX_PRODUCER_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "producerName must be at most "
              + MAX_PRODUCER_NAME_LENGTH
              + " characters, was: "
              + producerName.length());
    }
    if (dbPoolSize < 1) {
      throw new IllegalArgumentException("dbPoolSize must be at least 1, was: " + dbPoolSize);
    }
    Objects.requireNonNull(dbConnectTimeout, "dbConnectTimeout must not be null");
    if (dbConnectTimeout.toMillis() < 1 || dbConnectTimeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "dbConnectTimeout must be between 1 ms and 24 days, was: " + dbConnectTimeout);
    }
    Objects.requireNonNull(schemaCacheTtl, "schemaCacheTtl must not be null");
    if (schemaCacheTtl.toMillis() < 1) {
      throw new IllegalArgumentException(
          "schemaCacheTtl must be at least 1 ms, was: " + schemaCacheTtl);
    }
    Objects.requireNonNull(limits, "limits must not be null");
    Objects.requireNonNull(auth, "auth must not be null");
    Objects.requireNonNull(rateLimit, "rateLimit must not be null");
    Objects.requireNonNull(idempotency, "idempotency must not be null");
    Objects.requireNonNull(breaker, "breaker must not be null");
    Objects.requireNonNull(outboxMode, "outboxMode must not be null");
    if (!auth.required() && !isLoopback(host)) {
      throw new IllegalArgumentException(
          "auth.required must be true when the API listens on "
              + host
              + ", which is not a loopback address: without keys anyone who reaches it could"
              + " publish. Register apps with `offload apps create` and keep auth.required true,"
              + " or bind to 127.0.0.1");
    }
    if (rateLimit.enabled() && rateLimit.burst() < limits.maxBatchEvents()) {
      throw new IllegalArgumentException(
          "rateLimit.burst must be at least limits.maxBatchEvents ("
              + limits.maxBatchEvents()
              + "), or a full batch could never pass; was: "
              + rateLimit.burst());
    }
  }

  /**
   * Whether {@code host} is a loopback address: {@code localhost}, {@code 127.x.y.z} or {@code
   * ::1}. Host names other than {@code localhost} are not resolved and count as not loopback.
   */
  public static boolean isLoopback(String host) {
    String h = host.trim().toLowerCase(java.util.Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")) {
      return true;
    }
    String[] parts = h.split("\\.", -1);
    if (parts.length != 4 || !parts[0].equals("127")) {
      return false;
    }
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
        return false;
      }
      if (Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  /** The defaults: listens on 127.0.0.1:8080 and writes to {@link Database#defaults()}. */
  public static ApiConfig defaults() {
    return new ApiConfig(
        DEFAULT_HOST,
        DEFAULT_PORT,
        Database.defaults(),
        DEFAULT_MAX_BODY_BYTES,
        DEFAULT_PRODUCER_NAME,
        DEFAULT_DB_POOL_SIZE,
        DEFAULT_DB_CONNECT_TIMEOUT,
        DEFAULT_SCHEMA_CACHE_TTL,
        Limits.defaults(),
        Auth.keysOptional(),
        RateLimit.defaults(),
        Idempotency.defaults(),
        Breaker.defaults(),
        OutboxMode.TABLE,
        false);
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return defaults().toBuilder();
  }

  /** A builder starting from this configuration, to change some fields of a copy. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Builds an {@link ApiConfig}: each setter replaces one field, {@link #build()} validates them
   * all.
   */
  public static final class Builder {
    private String host;
    private int port;
    private Database database;
    private int maxBodyBytes;
    private String producerName;
    private int dbPoolSize;
    private Duration dbConnectTimeout;
    private Duration schemaCacheTtl;
    private Limits limits;
    private Auth auth;
    private RateLimit rateLimit;
    private Idempotency idempotency;
    private Breaker breaker;
    private OutboxMode outboxMode;
    private boolean requireCapture;

    private Builder(ApiConfig from) {
      host = from.host;
      port = from.port;
      database = from.database;
      maxBodyBytes = from.maxBodyBytes;
      producerName = from.producerName;
      dbPoolSize = from.dbPoolSize;
      dbConnectTimeout = from.dbConnectTimeout;
      schemaCacheTtl = from.schemaCacheTtl;
      limits = from.limits;
      auth = from.auth;
      rateLimit = from.rateLimit;
      idempotency = from.idempotency;
      breaker = from.breaker;
      outboxMode = from.outboxMode;
      requireCapture = from.requireCapture;
    }

    /** Sets {@link ApiConfig#host()}. */
    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /** Sets {@link ApiConfig#port()}. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Sets {@link ApiConfig#database()}. */
    public Builder database(Database database) {
      this.database = database;
      return this;
    }

    /** Sets {@link ApiConfig#maxBodyBytes()}. */
    public Builder maxBodyBytes(int maxBodyBytes) {
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    /** Sets {@link ApiConfig#producerName()}. */
    public Builder producerName(String producerName) {
      this.producerName = producerName;
      return this;
    }

    /** Sets {@link ApiConfig#dbPoolSize()}. */
    public Builder dbPoolSize(int dbPoolSize) {
      this.dbPoolSize = dbPoolSize;
      return this;
    }

    /** Sets {@link ApiConfig#dbConnectTimeout()}. */
    public Builder dbConnectTimeout(Duration dbConnectTimeout) {
      this.dbConnectTimeout = dbConnectTimeout;
      return this;
    }

    /** Sets {@link ApiConfig#schemaCacheTtl()}. */
    public Builder schemaCacheTtl(Duration schemaCacheTtl) {
      this.schemaCacheTtl = schemaCacheTtl;
      return this;
    }

    /** Sets {@link ApiConfig#limits()}. */
    public Builder limits(Limits limits) {
      this.limits = limits;
      return this;
    }

    /** Sets {@link ApiConfig#auth()}. */
    public Builder auth(Auth auth) {
      this.auth = auth;
      return this;
    }

    /** Sets {@link ApiConfig#rateLimit()}. */
    public Builder rateLimit(RateLimit rateLimit) {
      this.rateLimit = rateLimit;
      return this;
    }

    /** Sets {@link ApiConfig#idempotency()}. */
    public Builder idempotency(Idempotency idempotency) {
      this.idempotency = idempotency;
      return this;
    }

    /** Sets {@link ApiConfig#breaker()}. */
    public Builder breaker(Breaker breaker) {
      this.breaker = breaker;
      return this;
    }

    /** Sets {@link ApiConfig#requireCapture()}. */
    public Builder requireCapture(boolean requireCapture) {
      this.requireCapture = requireCapture;
      return this;
    }

    /** Sets {@link ApiConfig#outboxMode()}. */
    public Builder outboxMode(OutboxMode outboxMode) {
      this.outboxMode = outboxMode;
      return this;
    }

    /**
     * The configuration.
     *
     * @throws IllegalArgumentException naming the first invalid field
     */
    public ApiConfig build() {
      return new ApiConfig(
          host,
          port,
          database,
          maxBodyBytes,
          producerName,
          dbPoolSize,
          dbConnectTimeout,
          schemaCacheTtl,
          limits,
          auth,
          rateLimit,
          idempotency,
          breaker,
          outboxMode,
          requireCapture);
    }
  }

  /**
   * What one request may hold and how long it may take. JSON limits are enforced while parsing
   * (Jackson's {@code StreamReadConstraints}) and answered {@code 400 limit-exceeded} naming the
   * limit.
   *
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
      int maxBatchEvents,
      int maxNestingDepth,
      int maxStringLength,
      int maxNumberLength,
      Duration requestTimeout) {

    /** Validates every component. */
    public Limits {
      requirePositive(maxBatchEvents, "limits.maxBatchEvents");
      requirePositive(maxNestingDepth, "limits.maxNestingDepth");
      requirePositive(maxStringLength, "limits.maxStringLength");
      requirePositive(maxNumberLength, "limits.maxNumberLength");
      requireMillis(requestTimeout, "limits.requestTimeout");
    }

    /** The defaults described on each component. */
    public static Limits defaults() {
      return new Limits(500, 32, 262_144, 100, Duration.ofSeconds(10));
    }

    /** A copy with {@link #maxBatchEvents()} replaced. */
    public Limits withMaxBatchEvents(int maxBatchEvents) {
      return new Limits(
          maxBatchEvents, maxNestingDepth, maxStringLength, maxNumberLength, requestTimeout);
    }

    /** A copy with {@link #requestTimeout()} replaced. */
    public Limits withRequestTimeout(Duration requestTimeout) {
      return new Limits(
          maxBatchEvents, maxNestingDepth, maxStringLength, maxNumberLength, requestTimeout);
    }
  }

  /**
   * Whether a request must carry an app's API key ({@code Authorization: Bearer <key>}).
   *
   * @param required {@code true}: a request without a valid key is answered {@code 401}; {@code
   *     false}: a request without a key publishes as {@link ApiConfig#producerName()} with any
   *     event type (a request with a key is still checked and attributed to its app)
   * @param keyCacheTtl how long the API reuses what it looked up about a key; a revoked or rotated
   *     key stops working within this time; at least 1 ms; default 5 seconds
   */
  public record Auth(boolean required, Duration keyCacheTtl) {
    /** Default {@link #keyCacheTtl()}. */
    public static final Duration DEFAULT_KEY_CACHE_TTL = Duration.ofSeconds(5);

    /** Validates every component. */
    public Auth {
      requireMillis(keyCacheTtl, "auth.keyCacheTtl");
    }

    /** Keys required, the production setting. */
    public static Auth keysRequired() {
      return new Auth(true, DEFAULT_KEY_CACHE_TTL);
    }

    /** Keys optional, the dev stack's setting. */
    public static Auth keysOptional() {
      return new Auth(false, DEFAULT_KEY_CACHE_TTL);
    }

    /** A copy with {@link #keyCacheTtl()} replaced. */
    public Auth withKeyCacheTtl(Duration keyCacheTtl) {
      return new Auth(required, keyCacheTtl);
    }
  }

  /**
   * A token bucket per app: {@code burst} events at once, refilled at {@code eventsPerSecond}. A
   * batch takes one token per event. A request beyond it is answered {@code 429} with {@code
   * Retry-After}.
   *
   * @param eventsPerSecond sustained rate per app; {@code 0} turns the limit off; default 1000
   * @param burst most events at once, at least {@link Limits#maxBatchEvents()}; default 2000
   */
  public record RateLimit(double eventsPerSecond, int burst) {
    /** Validates every component. */
    public RateLimit {
      if (!(eventsPerSecond >= 0) || Double.isInfinite(eventsPerSecond)) {
        throw new IllegalArgumentException(
            "rateLimit.eventsPerSecond must be 0 (off) or positive, was: " + eventsPerSecond);
      }
      requirePositive(burst, "rateLimit.burst");
    }

    /** The defaults described on each component. */
    public static RateLimit defaults() {
      return new RateLimit(1000, 2000);
    }

    /** No limit. */
    public static RateLimit off() {
      return new RateLimit(0, Integer.MAX_VALUE);
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
  public record Idempotency(Duration retention, Duration purgeInterval) {
    /** Validates every component. */
    public Idempotency {
      requireMillis(retention, "idempotency.retention");
      requireMillis(purgeInterval, "idempotency.purgeInterval");
    }

    /** The defaults described on each component. */
    public static Idempotency defaults() {
      return new Idempotency(Duration.ofHours(24), Duration.ofMinutes(10));
    }
  }

  /**
   * The circuit breaker in front of the database: after {@code failureThreshold} consecutive
   * failures it opens and every write is answered {@code 503} at once, with {@code Retry-After},
   * for {@code openFor}; then one request probes the database (half-open) and its outcome closes or
   * reopens the breaker.
   *
   * @param failureThreshold consecutive failures that open it; default 5
   * @param openFor how long it stays open before a probe; default 5 seconds
   */
  public record Breaker(int failureThreshold, Duration openFor) {
    /** Validates every component. */
    public Breaker {
      requirePositive(failureThreshold, "breaker.failureThreshold");
      requireMillis(openFor, "breaker.openFor");
    }

    /** The defaults described on each component. */
    public static Breaker defaults() {
      return new Breaker(5, Duration.ofSeconds(5));
    }
  }

  /**
   * Where the outbox lives: a PostgreSQL database with {@code wal_level=logical}.
   *
   * <p>{@link #toString()} never shows the password.
   *
   * @param host PostgreSQL host; default {@code 127.0.0.1}
   * @param port PostgreSQL port; default {@code 5432}
   * @param name database name; default {@code offload}
   * @param user user that may create the outbox table; default {@code postgres} (the embedded
   *     server's user)
   * @param password that user's password, may be empty; default empty
   */
  public record Database(String host, int port, String name, String user, String password) {

    /** Validates every component. */
    public Database {
      requireText(host, "database.host");
      requirePort(port, 1, "database.port");
      requireText(name, "database.name");
      requireText(user, "database.user");
      Objects.requireNonNull(password, "database.password must not be null (use \"\" for none)");
    }

    /** The embedded dev stack's database: {@code postgres@127.0.0.1:5432/offload}. */
    public static Database defaults() {
      return new Database("127.0.0.1", 5432, "offload", "postgres", "");
    }

    /**
     * The database of a JDBC URL {@code jdbc:postgresql://host[:port]/name} (port 5432 when absent;
     * no query parameters).
     *
     * @throws IllegalArgumentException naming {@code database.jdbcUrl} when the URL is not of that
     *     form
     */
    public static Database fromJdbcUrl(String jdbcUrl, String user, String password) {
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile(
                  "jdbc:postgresql://(\\[[0-9a-fA-F:.]+\\]|[^/:?\\[\\]]+)(?::(\\d{1,5}))?/([^/?#]+)")
              .matcher(jdbcUrl == null ? "" : jdbcUrl.trim());
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "database.jdbcUrl must look like jdbc:postgresql://host:5432/offload, was: " + jdbcUrl);
      }
      String host = m.group(1);
      if (host.startsWith("[")) {
        host = host.substring(1, host.length() - 1);
      }
      int port = m.group(2) == null ? 5432 : Integer.parseInt(m.group(2));
      return new Database(host, port, m.group(3), user, password);
    }

    /** The JDBC URL of this database (without credentials). */
    public String jdbcUrl() {
      String h = host.contains(":") ? "[" + host + "]" : host;
      return "jdbc:postgresql://" + h + ":" + port + "/" + name;
    }

    @Override
    public String toString() {
      return "Database[host="
          + host
          + ", port="
          + port
          + ", name="
          + name
          + ", user="
          + user
          + ", password="
          + (password.isEmpty() ? "" : "****")
          + "]";
    }
  }

  private static void requirePositive(int value, String field) {
    if (value < 1) {
      throw new IllegalArgumentException(field + " must be at least 1, was: " + value);
    }
  }

  private static void requireMillis(Duration value, String field) {
    Objects.requireNonNull(value, field + " must not be null");
    if (value.toMillis() < 1 || value.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          field + " must be between 1 ms and 24 days, was: " + value);
    }
  }

  private static void requireText(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
  }

  private static void requirePort(int port, int min, String field) {
    if (port < min || port > 65535) {
      throw new IllegalArgumentException(
          field + " must be between " + min + " and 65535, was: " + port);
    }
  }
}
