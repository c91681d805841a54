package dev.offload.producers;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.TestNames;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A logical replication slot ({@code test_decoding}) on one database: reads back every outbox row
 * that reached the write-ahead log since it was created, so a test can prove nothing was written.
 */
final class OutboxSlot implements AutoCloseable {
  private static final String OUTBOX_INSERT = "table public.offload_outbox: INSERT:";
  // test_decoding prints a bytea column as hex: payload[bytea]:'\\x00000001...'
  private static final Pattern PAYLOAD = Pattern.compile("payload\\[bytea\\]:'\\\\x([0-9a-f]*)'");

  private final Connection connection;
  private final String slot;

  private OutboxSlot(Connection connection, String slot) {
    this.connection = connection;
    this.slot = slot;
  }

  /** A new slot on {@code database}; changes before this call are not seen. */
  static OutboxSlot create(Infrastructure infra, String database) throws SQLException {
    Connection connection =
        DriverManager.getConnection(
            infra.jdbcUrl(database), infra.postgresUser(), infra.postgresPassword());
    String slot = TestNames.database("slot");
    try (PreparedStatement create =
        connection.prepareStatement(
            "SELECT pg_create_logical_replication_slot(?, 'test_decoding')")) {
      create.setString(1, slot);
      create.execute();
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
    return new OutboxSlot(connection, slot);
  }

  /** The outbox inserts decoded since the last call, as {@code test_decoding} text. */
  List<String> inserts() throws SQLException {
    List<String> inserts = new ArrayList<>();
    try (PreparedStatement get =
        connection.prepareStatement(
            "SELECT data FROM pg_logical_slot_get_changes(?, NULL, NULL)")) {
      get.setString(1, slot);
      try (ResultSet rs = get.executeQuery()) {
        while (rs.next()) {
          if (rs.getString(1).startsWith(OUTBOX_INSERT)) {
            inserts.add(rs.getString(1));
          }
        }
      }
    }
    return inserts;
  }

  /** The payload bytes of one outbox insert as {@link #inserts()} returns it. */
  static byte[] payload(String insert) {
    Matcher m = PAYLOAD.matcher(insert);
    if (!m.find()) {
      throw new AssertionError("no bytea payload in: " + insert);
    }
    return HexFormat.of().parseHex(m.group(1));
  }

  @Override
  public void close() throws SQLException {
    try (PreparedStatement drop =
        connection.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
      drop.setString(1, slot);
      drop.execute();
    } finally {
      connection.close();
    }
  }
}
