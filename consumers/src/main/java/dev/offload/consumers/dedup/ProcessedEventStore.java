package dev.offload.consumers.dedup;

import dev.offload.consumers.worker.BlockingEventHandler;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Which events a consumer group has processed, in PostgreSQL, keyed by (group, event id): what
 * makes a handler's effect happen once although Kafka delivers at least once.
 *
 * <p>The mark is an {@code INSERT … ON CONFLICT DO NOTHING} in table {@value #TABLE}, which the
 * store creates when missing. A database effect and its mark commit in one transaction ({@link
 * #runOnce}), so a redelivered event finds the mark and skips. An external effect runs inside that
 * transaction, after the mark and before the commit ({@link #runOnceAround}): a concurrent
 * duplicate (two members during a rebalance) waits on the mark's row lock and then skips, and a
 * failed effect rolls the mark back. One window is left for external effects: a crash after the
 * effect and before the commit performs it again on redelivery, so a sink that can deduplicate (an
 * SMTP Message-ID, an upsert by id) should be given the event id too.
 *
 * <p>Blocking JDBC: call it from a {@link BlockingEventHandler} or another blocking pool.
 */
public final class ProcessedEventStore {
  /** The table of marks. */
  public static final String TABLE = "offload_processed_events";

  private static final String CREATE =
      "CREATE TABLE IF NOT EXISTS "
          + TABLE
          + " (consumer_group TEXT NOT NULL, event_id TEXT NOT NULL,"
          + " processed_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (consumer_group, event_id))";
  // What the retention's purge finds old marks by, instead of scanning the table.
  private static final String CREATE_AGE_INDEX =
      "CREATE INDEX IF NOT EXISTS "
          + TABLE
          + "_age ON "
          + TABLE
          + " (consumer_group, processed_at)";
  private static final String MARK =
      "INSERT INTO "
          + TABLE
          + " (consumer_group, event_id, processed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";
  // Sorted, so that concurrent batches take the marks' row locks in one order and never deadlock.
  private static final String MARK_ALL =
      "INSERT INTO "
          + TABLE
          + " (consumer_group, event_id, processed_at)"
          + " SELECT ?::text, id, ?::timestamptz FROM (SELECT DISTINCT unnest(?::text[]) AS id) ids"
          + " ORDER BY id"
          + " ON CONFLICT DO NOTHING RETURNING event_id";
  private static final String COUNT = "SELECT count(*) FROM " + TABLE + " WHERE consumer_group = ?";
  private static final String FIND =
      "SELECT 1 FROM " + TABLE + " WHERE consumer_group = ? AND event_id = ?";
  private static final String PURGE =
      "DELETE FROM " + TABLE + " WHERE consumer_group = ? AND processed_at < ?";

  private final DataSource dataSource;
  private final String group;
  private final Clock clock;

  private ProcessedEventStore(DataSource dataSource, String group, Clock clock) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    if (group == null || group.isBlank()) {
      throw new IllegalArgumentException("group must not be blank");
    }
    this.group = group;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A store for {@code group}'s marks that creates its table when missing. */
  public static ProcessedEventStore open(DataSource dataSource, String group) throws SQLException {
    return open(dataSource, group, Clock.systemUTC());
  }

  /** As {@link #open(DataSource, String)}, stamping marks with {@code clock}. */
  public static ProcessedEventStore open(DataSource dataSource, String group, Clock clock)
      throws SQLException {
    ProcessedEventStore store = new ProcessedEventStore(dataSource, group, clock);
    store.createTableIfMissing();
    return store;
  }

  /** Whether {@code eventId} is marked processed. */
  public boolean isProcessed(String eventId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement find = c.prepareStatement(FIND)) {
      find.setString(1, group);
      find.setString(2, requireId(eventId));
      try (ResultSet rows = find.executeQuery()) {
        return rows.next();
      }
    }
  }

  /**
   * Applies {@code effect} and marks {@code eventId} in one transaction, unless it is marked.
   *
   * @return true when the effect ran, false when the event was processed before
   */
  public boolean runOnce(String eventId, TransactionalEffect effect) throws SQLException {
    requireId(eventId);
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        if (!mark(c, eventId)) {
          c.rollback();
          return false;
        }
        effect.apply(c);
        c.commit();
        return true;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /**
   * Marks every id of {@code eventIds} that is not marked yet and applies {@code effect} to those,
   * in one transaction: the batch form of {@link #runOnce}. Ids marked before (redeliveries) are
   * left out of the set the effect sees; an id twice in the list counts once. A concurrent batch
   * holding one of the ids uncommitted makes this one wait for it, then leave the id out.
   *
   * @return the ids the effect was applied to
   */
  public Set<String> runOnceEach(Collection<String> eventIds, BatchEffect effect)
      throws SQLException {
    String[] ids = eventIds.stream().map(ProcessedEventStore::requireId).toArray(String[]::new);
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        Set<String> fresh = markAll(c, ids);
        if (!fresh.isEmpty()) {
          effect.apply(c, fresh);
        }
        c.commit();
        return fresh;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** How many marks this group holds. */
  public long count() throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement count = c.prepareStatement(COUNT)) {
      count.setString(1, group);
      try (ResultSet rows = count.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  /** The consumer group whose marks this store keeps. */
  public String group() {
    return group;
  }

  private Set<String> markAll(Connection c, String[] ids) throws SQLException {
    Set<String> fresh = new HashSet<>();
    try (PreparedStatement mark = c.prepareStatement(MARK_ALL)) {
      mark.setString(1, group);
      mark.setTimestamp(2, Timestamp.from(clock.instant()));
      mark.setArray(3, c.createArrayOf("text", ids));
      try (ResultSet rows = mark.executeQuery()) {
        while (rows.next()) {
          fresh.add(rows.getString(1));
        }
      }
    }
    return fresh;
  }

  /**
   * Performs {@code effect} unless {@code eventId} is marked, holding the uncommitted mark while it
   * runs and committing it after.
   *
   * @return true when the effect ran, false when the event was processed before
   */
  public boolean runOnceAround(String eventId, ExternalEffect effect) throws Exception {
    try {
      return runOnce(eventId, c -> runExternal(effect));
    } catch (ExternalEffectException e) {
      throw e.getCause();
    }
  }

  /** Wraps {@code handler} so that each event id is handled once ({@link #runOnceAround}). */
  public <T> BlockingEventHandler<T> idempotent(BlockingEventHandler<T> handler) {
    Objects.requireNonNull(handler, "handler");
    return event -> {
      String id = event.headers().eventId();
      if (id == null) {
        throw new IllegalArgumentException("event has no offload-event-id header");
      }
      runOnceAround(id, () -> handler.handle(event));
    };
  }

  /** Deletes this group's marks older than {@code cutoff}; returns how many. */
  public int purgeProcessedBefore(Instant cutoff) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement purge = c.prepareStatement(PURGE)) {
      purge.setString(1, group);
      purge.setTimestamp(2, Timestamp.from(cutoff));
      return purge.executeUpdate();
    }
  }

  private boolean mark(Connection c, String eventId) throws SQLException {
    try (PreparedStatement mark = c.prepareStatement(MARK)) {
      mark.setString(1, group);
      mark.setString(2, eventId);
      mark.setTimestamp(3, Timestamp.from(clock.instant()));
      return mark.executeUpdate() == 1;
    }
  }

  private void createTableIfMissing() throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement create = c.createStatement()) {
      create.execute(CREATE);
      create.execute(CREATE_AGE_INDEX);
    } catch (SQLException e) {
      // Two workers creating the table at once: the loser sees a duplicate type or table.
      if (!"23505".equals(e.getSQLState()) && !"42P07".equals(e.getSQLState())) {
        throw e;
      }
    }
  }

  private static void runExternal(ExternalEffect effect) throws SQLException {
    try {
      effect.run();
    } catch (SQLException | RuntimeException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExternalEffectException(e);
    } catch (Exception e) {
      throw new ExternalEffectException(e);
    }
  }

  private static String requireId(String eventId) {
    if (eventId == null || eventId.isBlank()) {
      throw new IllegalArgumentException("eventId must not be blank");
    }
    return eventId;
  }

  /** Carries a checked failure of an external effect out of the transaction. */
  private static final class ExternalEffectException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ExternalEffectException(Exception cause) {
      super(cause);
    }

    @Override
    public synchronized Exception getCause() {
      return (Exception) super.getCause();
    }
  }
}
