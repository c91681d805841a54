package dev.offload.connectors;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The Debezium signalling table in the captured database, and the incremental snapshots requested
 * through it.
 *
 * <p>A connector that captures tables creates the table on start ({@link #ensureTable}). {@link
 * #requestIncrementalSnapshot} inserts an {@code execute-snapshot} signal; the running connector
 * sees the insert in the write-ahead log and re-reads the table in chunks while live changes keep
 * flowing, emitting each row as a change event with op {@code r}. {@code offload connector snapshot
 * <table>} is this call.
 */
public final class SnapshotSignal {
  /** The signal type Debezium runs a snapshot for. */
  public static final String EXECUTE_SNAPSHOT = "execute-snapshot";

  private SnapshotSignal() {}

  /**
   * Creates {@code signalTable} ({@code schema.table}) with Debezium's columns unless it exists.
   */
  public static void ensureTable(Connection c, String signalTable) throws SQLException {
    requireName(signalTable);
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + signalTable
              + " (id VARCHAR(64) PRIMARY KEY, type VARCHAR(32) NOT NULL, data VARCHAR(2048))");
    }
  }

  /**
   * Requests an incremental snapshot of {@code table} ({@code schema.table}) from the connector
   * whose signalling table is {@code signalTable}; commits when the connection auto-commits.
   *
   * @return the signal's id
   * @throws IllegalStateException when the signalling table or the table does not exist
   */
  public static String requestIncrementalSnapshot(Connection c, String signalTable, String table)
      throws SQLException {
    requireName(signalTable);
    requireName(table);
    if (!exists(c, signalTable)) {
      throw new IllegalStateException(
          "no signalling table "
              + signalTable
              + " in this database: does a connector capture tables here (capture.tables)?");
    }
    if (!exists(c, table)) {
      throw new IllegalStateException("no table " + table + " in this database");
    }
    String id = UUID.randomUUID().toString();
    try (PreparedStatement insert =
        c.prepareStatement("INSERT INTO " + signalTable + " (id, type, data) VALUES (?, ?, ?)")) {
      insert.setString(1, id);
      insert.setString(2, EXECUTE_SNAPSHOT);
      insert.setString(3, "{\"data-collections\":[\"" + table + "\"],\"type\":\"incremental\"}");
      insert.executeUpdate();
    }
    return id;
  }

  static boolean exists(Connection c, String table) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      q.setString(1, table);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  private static void requireName(String table) {
    TableCapture.topicOf(table);
  }
}
