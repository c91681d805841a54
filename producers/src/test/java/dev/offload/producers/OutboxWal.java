package dev.offload.producers;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.outbox.OutboxMessage;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A logical replication slot ({@code test_decoding}) that reads back every outbox event that
 * reached the write-ahead log since it was created, in either outbox mode: an inserted row of
 * {@code offload_outbox} or a logical decoding message with prefix {@code offload}, both returned
 * as {@link OutboxMessage}s so tests compare the two modes field by field.
 */
final class OutboxWal implements AutoCloseable {
  private static final String OUTBOX_INSERT = "table public.offload_outbox: INSERT: ";
  private static final String MESSAGE = "message: transactional: ";
  private static final Pattern COLUMN =
      Pattern.compile("(\\w+)\\[[^\\]]+\\]:(?:'((?:[^']|'')*)'|null)");
  private static final Pattern MESSAGE_HEAD =
      Pattern.compile("message: transactional: (\\d) prefix: ([^,]*), sz: (\\d+) content:");
  private static final DateTimeFormatter PG_TIME =
      new DateTimeFormatterBuilder()
          .appendPattern("yyyy-MM-dd HH:mm:ss")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .appendPattern("X")
          .toFormatter();

  private final Connection connection;
  private final String slot;

  private OutboxWal(Connection connection, String slot) {
    this.connection = connection;
    this.slot = slot;
  }

  /** A new slot on {@code database}; changes before this call are not seen. */
  static OutboxWal create(Infrastructure infra, String database) throws SQLException {
    Connection connection =
        DriverManager.getConnection(
            infra.jdbcUrl(database), infra.postgresUser(), infra.postgresPassword());
    String slot = TestNames.database("wal");
    try (PreparedStatement create =
        connection.prepareStatement(
            "SELECT pg_create_logical_replication_slot(?, 'test_decoding')")) {
      create.setString(1, slot);
      create.execute();
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
    return new OutboxWal(connection, slot);
  }

  /** The outbox events decoded since the last call, rows and messages, in commit order. */
  List<OutboxMessage> events() throws SQLException {
    List<OutboxMessage> events = new ArrayList<>();
    try (PreparedStatement get =
        connection.prepareStatement(
            "SELECT data FROM pg_logical_slot_get_binary_changes(?, NULL, NULL)")) {
      get.setString(1, slot);
      try (ResultSet rs = get.executeQuery()) {
        while (rs.next()) {
          byte[] data = rs.getBytes(1);
          String text = new String(data, StandardCharsets.ISO_8859_1);
          if (text.startsWith(OUTBOX_INSERT)) {
            events.add(row(new String(data, StandardCharsets.UTF_8)));
          } else if (text.startsWith(MESSAGE)) {
            events.add(message(text, data));
          }
        }
      }
    }
    return events;
  }

  private static OutboxMessage message(String text, byte[] data) {
    Matcher head = MESSAGE_HEAD.matcher(text);
    if (!head.lookingAt() || !head.group(2).equals(OutboxMessage.PREFIX)) {
      throw new AssertionError("not an offload message: " + text);
    }
    if (!head.group(1).equals("1")) {
      throw new AssertionError("offload message is not transactional: " + text);
    }
    int size = Integer.parseInt(head.group(3));
    return OutboxMessage.decode(Arrays.copyOfRange(data, head.end(), head.end() + size));
  }

  private static OutboxMessage row(String text) {
    Map<String, String> columns = new HashMap<>();
    Matcher m = COLUMN.matcher(text.substring(OUTBOX_INSERT.length()));
    while (m.find()) {
      columns.put(m.group(1), m.group(2) == null ? null : m.group(2).replace("''", "'"));
    }
    String payload = columns.get("payload");
    return new OutboxMessage(
        UUID.fromString(columns.get("id")),
        columns.get("type"),
        columns.get("aggregateid"),
        OffsetDateTime.parse(columns.get("occurred_at"), PG_TIME).toInstant(),
        columns.get("producer"),
        columns.get("traceparent"),
        HexFormat.of().parseHex(payload.substring(2)));
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
