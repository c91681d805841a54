package dev.offload.connectors;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Checks and prepares the captured tables in the app's database before the engine starts. */
final class CapturedTables {
  private CapturedTables() {}

  /**
   * Checks that each of {@code tables} exists and has a primary key (the key of its change events
   * and the order of incremental snapshot chunks).
   *
   * @throws IllegalStateException naming every table that does not
   */
  static void requireCapturable(Connection c, List<String> tables) throws SQLException {
    List<String> problems = new ArrayList<>();
    for (String table : tables) {
      if (!SnapshotSignal.exists(c, table)) {
        problems.add(table + " does not exist");
      } else if (!hasPrimaryKey(c, table)) {
        problems.add(table + " has no primary key");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "cannot capture " + String.join("; ", problems) + " (capture.tables)");
    }
  }

  /**
   * Sets {@code REPLICA IDENTITY FULL} on each table that does not have it, so updates and deletes
   * carry the old value of every column.
   */
  static void setFullReplicaIdentity(Connection c, List<String> tables) throws SQLException {
    for (String table : tables) {
      try (PreparedStatement q =
          c.prepareStatement("SELECT relreplident FROM pg_class WHERE oid = to_regclass(?)")) {
        q.setString(1, table);
        try (ResultSet rs = q.executeQuery()) {
          if (rs.next() && "f".equals(rs.getString(1))) {
            continue;
          }
        }
      }
      try (Statement alter = c.createStatement()) {
        alter.execute("ALTER TABLE " + table + " REPLICA IDENTITY FULL");
      }
    }
  }

  private static boolean hasPrimaryKey(Connection c, String table) throws SQLException {
    try (PreparedStatement q =
        c.prepareStatement(
            "SELECT count(*) FROM pg_index WHERE indrelid = to_regclass(?) AND indisprimary")) {
      q.setString(1, table);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next() && rs.getLong(1) > 0;
      }
    }
  }
}
