package dev.offload.producers.internal;

import dev.offload.producers.ApiConfig;
import dev.offload.schemas.outbox.OutboxMessage;
import dev.offload.schemas.outbox.OutboxMode;
import dev.offload.schemas.outbox.OutboxTable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Writes events to the outbox over a non-blocking connection pool.
 *
 * <p>Each event is inserted and deleted again in one transaction: the table stays empty while the
 * write-ahead log carries the event to the connector.
 */
public final class OutboxStore {
  private static final String INSERT = positional(OutboxTable.INSERT);
  private static final String DELETE = positional(OutboxTable.DELETE);
  private static final String EMIT = positional(OutboxMessage.EMIT);

  private final Pool pool;
  private final ApiMetrics metrics;
  private final OutboxMode mode;

  private OutboxStore(Pool pool, ApiMetrics metrics, OutboxMode mode) {
    this.pool = pool;
    this.metrics = metrics;
    this.mode = mode;
  }

  /** A store with its own pool of connections to {@code config}'s database. */
  public static OutboxStore open(Vertx vertx, ApiConfig config, ApiMetrics metrics) {
    ApiConfig.Database db = config.database();
    int timeoutMillis = (int) config.dbConnectTimeout().toMillis();
    PgConnectOptions connect =
        new PgConnectOptions()
            .setHost(db.host())
            .setPort(db.port())
            .setDatabase(db.name())
            .setUser(db.user())
            .setPassword(db.password())
            .setCachePreparedStatements(true);
    PoolOptions poolOptions =
        new PoolOptions()
            .setName("offload-api")
            .setMaxSize(config.dbPoolSize())
            .setConnectionTimeout(timeoutMillis)
            .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
    NetClientOptions tcp = new NetClientOptions().setConnectTimeout(timeoutMillis);
    Pool pool =
        PgBuilder.pool().with(poolOptions).with(tcp).connectingTo(connect).using(vertx).build();
    return new OutboxStore(pool, metrics, config.outboxMode());
  }

  /**
   * Inserts and deletes the event in one transaction (or, in {@link OutboxMode#MESSAGE}, emits it
   * as one transactional logical decoding message); the future completes once it has committed.
   *
   * @param payload the bytes that become the Kafka record value as they are
   */
  public Future<Void> write(
      UUID id,
      EventRequest event,
      byte[] payload,
      OffsetDateTime occurredAt,
      String producer,
      String traceparent) {
    if (mode == OutboxMode.MESSAGE) {
      return emit(id, event, payload, occurredAt, producer, traceparent);
    }
    Tuple insert =
        Tuple.tuple()
            .addUUID(id)
            .addString(event.type())
            .addString(event.key())
            .addString(event.type())
            .addBuffer(Buffer.buffer(payload))
            .addOffsetDateTime(occurredAt)
            .addString(producer)
            .addString(traceparent);
    long start = System.nanoTime();
    return pool.<Void>withTransaction(
            conn ->
                conn.preparedQuery(INSERT)
                    .execute(insert)
                    .compose(inserted -> conn.preparedQuery(DELETE).execute(Tuple.of(id)))
                    .mapEmpty())
        .andThen(done -> metrics.recordOutboxWrite(done.succeeded(), System.nanoTime() - start));
  }

  private Future<Void> emit(
      UUID id,
      EventRequest event,
      byte[] payload,
      OffsetDateTime occurredAt,
      String producer,
      String traceparent) {
    byte[] body =
        new OutboxMessage(
                id,
                event.type(),
                event.key(),
                occurredAt.toInstant(),
                producer,
                traceparent,
                payload)
            .encode();
    long start = System.nanoTime();
    return pool.<Void>withTransaction(
            conn -> conn.preparedQuery(EMIT).execute(Tuple.of(Buffer.buffer(body))).mapEmpty())
        .andThen(done -> metrics.recordOutboxWrite(done.succeeded(), System.nanoTime() - start));
  }

  /** Completes when the database answers {@code SELECT 1}. */
  public Future<Void> ping() {
    return pool.query("SELECT 1").execute().mapEmpty();
  }

  /** Closes the pool. */
  public Future<Void> close() {
    return pool.close();
  }

  /** Rewrites JDBC {@code ?} placeholders as PostgreSQL's {@code $1, $2, ...}. */
  static String positional(String jdbcSql) {
    StringBuilder sql = new StringBuilder(jdbcSql.length() + 8);
    int index = 0;
    for (char c : jdbcSql.toCharArray()) {
      if (c == '?') {
        sql.append('$').append(++index);
      } else {
        sql.append(c);
      }
    }
    return sql.toString();
  }
}
