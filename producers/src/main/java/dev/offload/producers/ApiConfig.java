package dev.offload.producers;

import dev.offload.schemas.outbox.OutboxMode;
import java.time.Duration;
import java.util.Objects;

/**
 * Configuration of the ingest API role ({@link IngestApi}).
 *
 * <p>Every component is validated when the record is built; the message of the {@link
 * IllegalArgumentException} names the offending field. Start from {@link #defaults()}, which runs
 * on the embedded dev stack, and change what differs with the {@code with…} methods.
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
 * @param outboxMode how events are written ({@code outbox.mode: table|message}): rows of the outbox
 *     table, or table-less logical decoding messages; default {@link OutboxMode#TABLE}
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
    OutboxMode outboxMode) {

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
    Objects.requireNonNull(outboxMode, "outboxMode must not be null");
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
        OutboxMode.TABLE);
  }

  /** A copy with {@link #host()} replaced. */
  public ApiConfig withHost(String host) {
    return new ApiConfig(
        host,
        port,
        database,
        maxBodyBytes,
        producerName,
        dbPoolSize,
        dbConnectTimeout,
        schemaCacheTtl,
        outboxMode);
  }

  /** A copy with {@link #port()} replaced. */
  public ApiConfig withPort(int port) {
    return new ApiConfig(
        host,
        port,
        database,
        maxBodyBytes,
        producerName,
        dbPoolSize,
        dbConnectTimeout,
        schemaCacheTtl,
        outboxMode);
  }

  /** A copy with {@link #database()} replaced. */
  public ApiConfig withDatabase(Database database) {
    return new ApiConfig(
        host,
        port,
        database,
        maxBodyBytes,
        producerName,
        dbPoolSize,
        dbConnectTimeout,
        schemaCacheTtl,
        outboxMode);
  }

  /** A copy with {@link #maxBodyBytes()} replaced. */
  public ApiConfig withMaxBodyBytes(int maxBodyBytes) {
    return new ApiConfig(
        host,
        port,
        database,
        maxBodyBytes,
        producerName,
        dbPoolSize,
        dbConnectTimeout,
        schemaCacheTtl,
        outboxMode);
  }

  /** A copy with {@link #producerName()} replaced. */
  public ApiConfig withProducerName(String producerName) {
    return new ApiConfig(
        host,
        port,
        database,
        maxBodyBytes,
        producerName,
        dbPoolSize,
        dbConnectTimeout,
        schemaCacheTtl,
        outboxMode);
  }

  /** A copy with {@link #dbPoolSize()} replaced. */
  public ApiConfig withDbPoolSize(int dbPoolSize) {
    return new ApiConfig(
        host,
        port,
        database,
        maxBodyBytes,
        producerName,
        dbPoolSize,
        dbConnectTimeout,
        schemaCacheTtl,
        outboxMode);
  }

  /** A copy with {@link #dbConnectTimeout()} replaced. */
  public ApiConfig withDbConnectTimeout(Duration dbConnectTimeout) {
    return new ApiConfig(
        host,
        port,
        database,
        maxBodyBytes,
        producerName,
        dbPoolSize,
        dbConnectTimeout,
        schemaCacheTtl,
        outboxMode);
  }

  /** A copy with {@link #schemaCacheTtl()} replaced. */
  public ApiConfig withSchemaCacheTtl(Duration schemaCacheTtl) {
    return new ApiConfig(
        host,
        port,
        database,
        maxBodyBytes,
        producerName,
        dbPoolSize,
        dbConnectTimeout,
        schemaCacheTtl,
        outboxMode);
  }

  /** A copy with {@link #outboxMode()} replaced. */
  public ApiConfig withOutboxMode(OutboxMode outboxMode) {
    return new ApiConfig(
        host,
        port,
        database,
        maxBodyBytes,
        producerName,
        dbPoolSize,
        dbConnectTimeout,
        schemaCacheTtl,
        outboxMode);
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

    /** The JDBC URL of this database (without credentials). */
    public String jdbcUrl() {
      return "jdbc:postgresql://" + host + ":" + port + "/" + name;
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
