package dev.offload.schemas.outbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Versioned SQL migrations of Offload's own tables, applied at start-up.
 *
 * <p>Each migration runs once, in its own transaction, recorded in {@code offload_schema_version}.
 * A transaction-scoped advisory lock serialises concurrent starters (two API instances starting at
 * once apply each migration exactly once).
 */
public final class OutboxMigrations {
  /** The migrations in order; a new one is appended, never edited. */
  static final List<String> MIGRATIONS =
      List.of("V1__outbox.sql", "V2__payload_bytes.sql", "V3__producer_apps.sql");

  private static final long LOCK_KEY = 0x0FF10AD;

  private OutboxMigrations() {}

  /**
   * Applies the migrations that {@code connection}'s database lacks.
   *
   * @return how many were applied now
   */
  public static int migrate(Connection connection) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try (Statement s = connection.createStatement()) {
      s.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
      s.execute(
          "CREATE TABLE IF NOT EXISTS offload_schema_version (version int PRIMARY KEY,"
              + " script varchar(255) NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
      int current = currentVersion(s);
      int applied = 0;
      for (int v = current + 1; v <= MIGRATIONS.size(); v++) {
        String script = MIGRATIONS.get(v - 1);
        s.execute(read(script));
        try (PreparedStatement record =
            connection.prepareStatement(
                "INSERT INTO offload_schema_version (version, script) VALUES (?, ?)")) {
          record.setInt(1, v);
          record.setString(2, script);
          record.executeUpdate();
        }
        applied++;
      }
      connection.commit();
      return applied;
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  private static int currentVersion(Statement s) throws SQLException {
    try (ResultSet rs =
        s.executeQuery("SELECT coalesce(max(version), 0) FROM offload_schema_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static String read(String script) {
    try (InputStream in = OutboxMigrations.class.getResourceAsStream(script)) {
      if (in == null) {
        throw new IllegalStateException("migration " + script + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
