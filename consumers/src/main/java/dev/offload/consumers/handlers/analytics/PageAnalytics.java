package dev.offload.consumers.handlers.analytics;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Page views per path per minute in PostgreSQL table {@value #TABLE}, which it creates when
 * missing. {@link #increment} is meant to run inside a {@link
 * dev.offload.consumers.dedup.ProcessedEventStore#runOnce} transaction, so a view and its event's
 * mark commit together and a redelivered event is not counted twice. Blocking JDBC. Thread-safe.
 */
public final class PageAnalytics {
  /** The rollup table. */
  public static final String TABLE = "offload_page_views_per_minute";

  private static final String CREATE =
      "CREATE TABLE IF NOT EXISTS "
          + TABLE
          + " (path TEXT NOT NULL, minute TIMESTAMPTZ NOT NULL, views BIGINT NOT NULL,"
          + " PRIMARY KEY (path, minute))";
  private static final String UPSERT =
      "INSERT INTO "
          + TABLE
          + " AS t (path, minute, views) VALUES (?, ?, 1)"
          + " ON CONFLICT (path, minute) DO UPDATE SET views = t.views + 1";
  // Rows sorted by (path, minute), so that concurrent batches lock rows in one order.
  private static final String UPSERT_ALL =
      "INSERT INTO "
          + TABLE
          + " AS t (path, minute, views)"
          + " SELECT p, to_timestamp(m), v FROM unnest(?::text[], ?::bigint[], ?::bigint[])"
          + " AS rows(p, m, v) ORDER BY p, m"
          + " ON CONFLICT (path, minute) DO UPDATE SET views = t.views + excluded.views";
  private static final String RANGE =
      "SELECT path, minute, views FROM "
          + TABLE
          + " WHERE minute >= ? AND minute < ? ORDER BY minute, path";

  private final DataSource dataSource;

  private PageAnalytics(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  /** Analytics in {@code dataSource}'s database, creating the table when missing. */
  public static PageAnalytics open(DataSource dataSource) throws SQLException {
    PageAnalytics analytics = new PageAnalytics(dataSource);
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(CREATE);
    } catch (SQLException e) {
      // Two workers creating the table at once: the loser sees a duplicate type or table.
      if (!"23505".equals(e.getSQLState()) && !"42P07".equals(e.getSQLState())) {
        throw e;
      }
    }
    return analytics;
  }

  /** Counts one view of {@code path} in {@code minute}'s bucket, on {@code c}'s transaction. */
  public void increment(Connection c, String path, Instant minute) throws SQLException {
    try (PreparedStatement upsert = c.prepareStatement(UPSERT)) {
      upsert.setString(1, path);
      upsert.setTimestamp(2, Timestamp.from(MinuteBucket.of(minute)));
      upsert.executeUpdate();
    }
  }

  /**
   * Adds {@code views} (by path and minute bucket start) to the rollup in one statement, on {@code
   * c}'s transaction.
   */
  public void add(Connection c, Map<PageMinute, Long> views) throws SQLException {
    if (views.isEmpty()) {
      return;
    }
    int n = views.size();
    String[] paths = new String[n];
    Long[] minutes = new Long[n];
    Long[] counts = new Long[n];
    int i = 0;
    for (Map.Entry<PageMinute, Long> e : views.entrySet()) {
      paths[i] = e.getKey().path();
      minutes[i] = MinuteBucket.of(e.getKey().minute()).getEpochSecond();
      counts[i] = e.getValue();
      i++;
    }
    try (PreparedStatement upsert = c.prepareStatement(UPSERT_ALL)) {
      upsert.setArray(1, c.createArrayOf("text", paths));
      upsert.setArray(2, c.createArrayOf("bigint", minutes));
      upsert.setArray(3, c.createArrayOf("bigint", counts));
      upsert.executeUpdate();
    }
  }

  /**
   * Views per path per minute for the minutes that start in {@code [from, to)}, by minute then
   * path.
   */
  public List<PageCount> counts(Instant from, Instant to) throws SQLException {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (to.isBefore(from)) {
      throw new IllegalArgumentException("to must not be before from");
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement range = c.prepareStatement(RANGE)) {
      range.setTimestamp(1, Timestamp.from(from));
      range.setTimestamp(2, Timestamp.from(to));
      List<PageCount> counts = new ArrayList<>();
      try (ResultSet rows = range.executeQuery()) {
        while (rows.next()) {
          counts.add(
              new PageCount(rows.getString(1), rows.getTimestamp(2).toInstant(), rows.getLong(3)));
        }
      }
      return counts;
    }
  }
}
