package dev.offload.producers.internal;

import dev.offload.producers.ApiConfig;
import dev.offload.schemas.outbox.OutboxMessage;
import dev.offload.schemas.outbox.OutboxMode;
import dev.offload.schemas.outbox.OutboxTable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Writes events to the outbox over a non-blocking connection pool.
 *
 * <p>Each event is inserted and deleted again in one transaction: the table stays empty while the
 * write-ahead log carries the event to the connector. In {@link OutboxMode#MESSAGE} each event is
 * instead emitted as a transactional logical decoding message, and no table is written.
 *
 * <p>Single events without an idempotency key are group-committed: while every transaction slot
 * (one per pooled connection) is busy, arriving events queue, and the next free slot writes all of
 * them, up to {@value #MAX_GROUP} at a time, in one transaction. Each caller still hears of its
 * event only once that transaction has committed; at low load every event has a transaction of its
 * own, so grouping adds no latency, and under load it turns many commits into one.
 */
public final class OutboxStore {
  private static final String INSERT = positional(OutboxTable.INSERT);
  private static final String EMIT = positional(OutboxMessage.EMIT);
  private static final int MAX_GROUP = 500;

  /**
   * One row by primary key, run as a batch: the plan is an index lookup whatever the planner
   * believes of the table's size. ({@code id = ANY($1)} got a generic plan that scanned the whole
   * heap, dead rows included, which between two vacuums grew with every event written.)
   */
  private static final String DELETE = positional(OutboxTable.DELETE);

  private static final String EXPIRE_KEY =
      "DELETE FROM offload_idempotency_keys WHERE app = $1 AND key = $2"
          + " AND created_at < now() - make_interval(secs => $3)";
  private static final String CLAIM_KEY =
      "INSERT INTO offload_idempotency_keys (app, key, request_hash, event_ids)"
          + " VALUES ($1, $2, $3, $4) ON CONFLICT (app, key) DO NOTHING";
  private static final String EARLIER_CLAIM =
      "SELECT request_hash, event_ids FROM offload_idempotency_keys WHERE app = $1 AND key = $2";
  private static final String PURGE_KEYS =
      "DELETE FROM offload_idempotency_keys WHERE created_at < now() - make_interval(secs => $1)";

  private static final String CAPTURE_SLOT =
      "SELECT EXISTS (SELECT 1 FROM pg_replication_slots"
          + " WHERE database = current_database() AND slot_type = 'logical')";

  private final Pool pool;
  private final ApiMetrics metrics;
  private final OutboxMode mode;
  private final int slots;
  private final ArrayDeque<Queued> queue = new ArrayDeque<>();
  private int busySlots;

  private OutboxStore(Pool pool, ApiMetrics metrics, OutboxMode mode, int slots) {
    this.pool = pool;
    this.metrics = metrics;
    this.mode = mode;
    this.slots = slots;
  }

  /** A store with its own pool of connections to {@code config}'s database. */
  public static OutboxStore open(Vertx vertx, ApiConfig config, ApiMetrics metrics) {
    ApiConfig.Database db = config.database();
    int timeoutMillis = (int) db.connectTimeout().toMillis();
    PgConnectOptions connect =
        PgConnectOptions.fromUri(db.jdbcUrl().substring("jdbc:".length()))
            .setUser(db.user())
            .setPassword(db.password())
            .setCachePreparedStatements(true);
    PoolOptions poolOptions =
        new PoolOptions()
            .setName("offload-api")
            .setMaxSize(db.poolSize())
            .setConnectionTimeout(timeoutMillis)
            .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
    NetClientOptions tcp = new NetClientOptions().setConnectTimeout(timeoutMillis);
    Pool pool =
        PgBuilder.pool().with(poolOptions).with(tcp).connectingTo(connect).using(vertx).build();
    return new OutboxStore(pool, metrics, config.outbox().mode(), db.poolSize());
  }

  /**
   * Writes one event, group-committed with whatever else is waiting (see the class comment); the
   * future completes once its transaction has committed.
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
    Queued queued =
        new Queued(
            new PendingEvent(id, event, payload),
            occurredAt,
            producer,
            traceparent,
            Promise.promise());
    List<Queued> group;
    synchronized (queue) {
      queue.add(queued);
      group = takeGroup();
    }
    if (group != null) {
      commit(group);
    }
    return queued.committed().future();
  }

  private record Queued(
      PendingEvent event,
      OffsetDateTime occurredAt,
      String producer,
      String traceparent,
      Promise<Void> committed) {}

  /** The next group when a slot is free; call holding the queue's lock. */
  private List<Queued> takeGroup() {
    if (queue.isEmpty() || busySlots >= slots) {
      return null;
    }
    busySlots++;
    List<Queued> group = new ArrayList<>(Math.min(queue.size(), MAX_GROUP));
    while (!queue.isEmpty() && group.size() < MAX_GROUP) {
      group.add(queue.poll());
    }
    return group;
  }

  private void commit(List<Queued> group) {
    List<Tuple> rows = new ArrayList<>(group.size());
    UUID[] ids = new UUID[group.size()];
    for (int i = 0; i < group.size(); i++) {
      Queued q = group.get(i);
      ids[i] = q.event().id();
      rows.add(row(q.event(), q.occurredAt(), q.producer(), q.traceparent()));
    }
    long start = System.nanoTime();
    writePipelined(rows, ids)
        .onComplete(
            done -> {
              long elapsed = System.nanoTime() - start;
              for (Queued q : group) {
                metrics.recordOutboxWrite(done.succeeded(), elapsed);
                if (done.succeeded()) {
                  q.committed().complete();
                } else {
                  q.committed().fail(done.cause());
                }
              }
              List<Queued> next;
              synchronized (queue) {
                busySlots--;
                next = takeGroup();
              }
              if (next != null) {
                commit(next);
              }
            });
  }

  /** The statement parameters of one event: an outbox row, or the body of its message. */
  private Tuple row(
      PendingEvent pending, OffsetDateTime occurredAt, String producer, String traceparent) {
    EventRequest event = pending.event();
    if (mode == OutboxMode.MESSAGE) {
      byte[] body =
          new OutboxMessage(
                  pending.id(),
                  event.type(),
                  event.key(),
                  occurredAt.toInstant(),
                  producer,
                  traceparent,
                  pending.payload())
              .encode();
      return Tuple.of(Buffer.buffer(body));
    }
    return Tuple.tuple()
        .addUUID(pending.id())
        .addString(event.type())
        .addString(event.key())
        .addString(event.type())
        .addBuffer(Buffer.buffer(pending.payload()))
        .addOffsetDateTime(occurredAt)
        .addString(producer)
        .addString(traceparent);
  }

  /**
   * Writes the rows in one transaction of their own, sending {@code BEGIN}, the writes and {@code
   * COMMIT} back to back on one connection: one round trip to the database instead of one per
   * statement, which at low load was most of an event's acknowledgement time.
   */
  private Future<Void> writePipelined(List<Tuple> rows, UUID[] ids) {
    return pool.getConnection()
        .compose(conn -> pipeline(conn, rows, ids).andThen(done -> conn.close()));
  }

  /**
   * Sends the transaction's statements without awaiting each answer, and succeeds only when every
   * one did. All or nothing still holds: once a statement fails, PostgreSQL refuses the rest of the
   * transaction and answers the {@code COMMIT} by rolling back. Waits for every answer (join, not
   * all) so that the connection goes back to the pool idle.
   */
  private Future<Void> pipeline(SqlConnection conn, List<Tuple> rows, UUID[] ids) {
    List<Future<?>> steps = new ArrayList<>(4);
    steps.add(conn.query("BEGIN").execute());
    if (mode == OutboxMode.MESSAGE) {
      steps.add(conn.preparedQuery(EMIT).executeBatch(rows));
    } else {
      steps.add(conn.preparedQuery(INSERT).executeBatch(rows));
      steps.add(conn.preparedQuery(DELETE).executeBatch(idTuples(ids)));
    }
    steps.add(conn.query("COMMIT").execute());
    return Future.join(steps)
        .transform(
            ignored -> {
              // The first failure is the cause; later statements only report the aborted
              // transaction.
              for (Future<?> step : steps) {
                if (step.failed()) {
                  return Future.failedFuture(step.cause());
                }
              }
              return Future.succeededFuture();
            });
  }

  /** Inserts and deletes the rows (or emits the messages) on {@code conn}'s transaction. */
  private Future<Void> writeRows(SqlConnection conn, List<Tuple> rows, UUID[] ids) {
    if (mode == OutboxMode.MESSAGE) {
      return conn.preparedQuery(EMIT).executeBatch(rows).mapEmpty();
    }
    return conn.preparedQuery(INSERT)
        .executeBatch(rows)
        .compose(inserted -> conn.preparedQuery(DELETE).executeBatch(idTuples(ids)))
        .mapEmpty();
  }

  private static List<Tuple> idTuples(UUID[] ids) {
    List<Tuple> tuples = new ArrayList<>(ids.length);
    for (UUID id : ids) {
      tuples.add(Tuple.of(id));
    }
    return tuples;
  }

  /**
   * An {@code Idempotency-Key} to claim in the same transaction as the events it accepts.
   *
   * @param app the app that sent it (keys are per app)
   * @param key the header's value
   * @param requestHash SHA-256 of what was asked (route and body), to tell a retry from a reuse
   * @param retention an older claim of the same key is expired and replaced
   */
  public record IdempotencyClaim(String app, String key, byte[] requestHash, Duration retention) {}

  /** What {@link #writeAll} did. */
  public enum Outcome {
    /** The events were written and committed. */
    WRITTEN,
    /** An earlier request claimed the key with the same request: nothing written, its ids. */
    REPLAYED,
    /** An earlier request claimed the key with a different request: nothing written. */
    KEY_REUSED
  }

  /**
   * The result of {@link #writeAll}.
   *
   * @param eventIds the ids written, or the earlier request's ids on a replay (empty on reuse)
   */
  public record WriteResult(Outcome outcome, List<UUID> eventIds) {}

  /** An event to write with its id and payload. */
  public record PendingEvent(UUID id, EventRequest event, byte[] payload) {}

  /**
   * Writes {@code events} in one transaction, all or none, each inserted and deleted like {@link
   * #write}; with a {@code claim}, first claims its idempotency key in the same transaction. A
   * concurrent request with the same key waits on the claim's row lock and then sees the first
   * one's ids (or, if that one rolled back, claims the key itself).
   *
   * @param claim {@code null} for a request without {@code Idempotency-Key}
   */
  public Future<WriteResult> writeAll(
      List<PendingEvent> events,
      OffsetDateTime occurredAt,
      String producer,
      String traceparent,
      IdempotencyClaim claim) {
    List<Tuple> rows = new ArrayList<>(events.size());
    UUID[] ids = new UUID[events.size()];
    for (int i = 0; i < events.size(); i++) {
      PendingEvent pending = events.get(i);
      ids[i] = pending.id();
      rows.add(row(pending, occurredAt, producer, traceparent));
    }
    List<UUID> written = List.of(ids);
    long start = System.nanoTime();
    if (claim == null) {
      return writePipelined(rows, ids)
          .map(done -> new WriteResult(Outcome.WRITTEN, written))
          .andThen(done -> metrics.recordOutboxWrite(done.succeeded(), System.nanoTime() - start));
    }
    return pool.<WriteResult>withTransaction(
            conn ->
                claim(conn, claim, ids)
                    .compose(
                        earlier ->
                            earlier != null
                                ? Future.succeededFuture(earlier)
                                : writeRows(conn, rows, ids)
                                    .map(ignored -> new WriteResult(Outcome.WRITTEN, written))))
        .andThen(done -> metrics.recordOutboxWrite(done.succeeded(), System.nanoTime() - start));
  }

  /**
   * The earlier request's result when the key is claimed already; {@code null} once claimed now.
   */
  private static Future<WriteResult> claim(SqlConnection conn, IdempotencyClaim claim, UUID[] ids) {
    Buffer hash = Buffer.buffer(claim.requestHash());
    return conn.preparedQuery(EXPIRE_KEY)
        .execute(Tuple.of(claim.app(), claim.key(), claim.retention().toMillis() / 1000.0))
        .compose(
            expired ->
                conn.preparedQuery(CLAIM_KEY)
                    .execute(Tuple.of(claim.app(), claim.key(), hash).addArrayOfUUID(ids)))
        .compose(
            inserted -> {
              if (inserted.rowCount() == 1) {
                return Future.succeededFuture(null);
              }
              return conn.preparedQuery(EARLIER_CLAIM)
                  .execute(Tuple.of(claim.app(), claim.key()))
                  .map(
                      rows -> {
                        if (rows.size() == 0) {
                          throw new IllegalStateException(
                              "idempotency key was claimed and is gone; retry");
                        }
                        Row row = rows.iterator().next();
                        if (!row.getBuffer(0).equals(hash)) {
                          return new WriteResult(Outcome.KEY_REUSED, List.of());
                        }
                        return new WriteResult(Outcome.REPLAYED, List.of(row.getArrayOfUUIDs(1)));
                      });
            });
  }

  /**
   * Deletes the idempotency keys older than {@code retention}.
   *
   * @return how many were deleted
   */
  public Future<Integer> purgeIdempotencyKeys(Duration retention) {
    return pool.preparedQuery(PURGE_KEYS)
        .execute(Tuple.of(retention.toMillis() / 1000.0))
        .map(SqlResult::rowCount);
  }

  /**
   * Whether a logical replication slot exists in this database: from the moment one does, what is
   * written is kept in the WAL until the slot's reader (the connector) has captured it.
   */
  public Future<Boolean> captureSlotExists() {
    return pool.query(CAPTURE_SLOT).execute().map(rows -> rows.iterator().next().getBoolean(0));
  }

  /** The pool, for the API's other queries (API keys). */
  public Pool pool() {
    return pool;
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
