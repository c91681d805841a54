package dev.offload.bench.internal.pipeline;

import dev.offload.consumers.dedup.ProcessedEventStore;
import dev.offload.consumers.handlers.analytics.PageAnalytics;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The effects the workers record in the database: a processed-event mark per event and consumer
 * group (its {@code processed_at} taken in the transaction that also counts a view, or just before
 * a mail is sent and committed after), and the page-view rollup.
 */
public final class EffectLedger {
  private final String jdbcUrl;
  private final String user;
  private final Instant since;
  private final long sinceNanos;

  /** The ledger of the database at {@code jdbcUrl}, for marks made from now on. */
  public EffectLedger(String jdbcUrl, String user) {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.sinceNanos = System.nanoTime();
    this.since = Instant.now();
  }

  /** The marks of {@code group} made since the ledger was created, as {@link System#nanoTime()}. */
  public Map<String, Long> marks(String group) throws SQLException {
    Map<String, Long> marks = new HashMap<>();
    try (Connection c = connect();
        PreparedStatement q =
            c.prepareStatement(
                "SELECT event_id, processed_at FROM "
                    + ProcessedEventStore.TABLE
                    + " WHERE consumer_group = ? AND processed_at >= ?")) {
      q.setString(1, group);
      q.setTimestamp(2, Timestamp.from(since));
      try (ResultSet rows = q.executeQuery()) {
        while (rows.next()) {
          marks.put(rows.getString(1), nanoTimeOf(rows.getTimestamp(2).toInstant()));
        }
      }
    }
    return marks;
  }

  /** How many marks {@code group} made since the ledger was created. */
  public long markCount(String group) throws SQLException {
    try (Connection c = connect();
        PreparedStatement q =
            c.prepareStatement(
                "SELECT count(*) FROM "
                    + ProcessedEventStore.TABLE
                    + " WHERE consumer_group = ? AND processed_at >= ?")) {
      q.setString(1, group);
      q.setTimestamp(2, Timestamp.from(since));
      try (ResultSet rows = q.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  /** Views counted in the rollup for the paths that start with {@code prefix}. */
  public long views(String prefix) throws SQLException {
    try (Connection c = connect();
        PreparedStatement q =
            c.prepareStatement(
                "SELECT coalesce(sum(views), 0) FROM "
                    + PageAnalytics.TABLE
                    + " WHERE path LIKE ?")) {
      q.setString(1, prefix.replace("%", "\\%").replace("_", "\\_") + "%");
      try (ResultSet rows = q.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private long nanoTimeOf(Instant at) {
    return sinceNanos + Duration.between(since, at).toNanos();
  }

  /** A connection to the database. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, user, "");
  }
}
