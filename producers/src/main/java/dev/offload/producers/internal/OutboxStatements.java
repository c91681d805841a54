package dev.offload.producers.internal;

import dev.offload.schemas.outbox.OutboxMessage;
import dev.offload.schemas.outbox.OutboxMode;
import dev.offload.schemas.outbox.OutboxTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

/** The outbox write over JDBC, on the caller's connection and in its transaction. */
public final class OutboxStatements {
  private OutboxStatements() {}

  /**
   * Writes one event: in {@link OutboxMode#TABLE} the outbox INSERT and DELETE, in {@link
   * OutboxMode#MESSAGE} one transactional logical decoding message.
   */
  public static void write(
      Connection connection,
      OutboxMode mode,
      UUID id,
      String type,
      String key,
      byte[] payload,
      Instant occurredAt,
      String producer,
      String traceparent)
      throws SQLException {
    if (mode == OutboxMode.MESSAGE) {
      byte[] body =
          new OutboxMessage(id, type, key, occurredAt, producer, traceparent, payload).encode();
      try (PreparedStatement emit = connection.prepareStatement(OutboxMessage.EMIT)) {
        emit.setBytes(1, body);
        emit.execute();
      }
      return;
    }
    try (PreparedStatement insert = connection.prepareStatement(OutboxTable.INSERT)) {
      insert.setObject(1, id);
      insert.setString(2, type);
      insert.setString(3, key);
      insert.setString(4, type);
      insert.setBytes(5, payload);
      insert.setObject(6, occurredAt.atOffset(ZoneOffset.UTC));
      insert.setString(7, producer);
      insert.setString(8, traceparent);
      insert.executeUpdate();
    }
    try (PreparedStatement delete = connection.prepareStatement(OutboxTable.DELETE)) {
      delete.setObject(1, id);
      delete.executeUpdate();
    }
  }
}
