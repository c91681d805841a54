package dev.offload.producers;

import dev.offload.schemas.outbox.OutboxMode;
import dev.offload.schemas.registry.SchemaRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;

/**
 * The README's OutboxWriter example, compiled and run by {@link ReadmeSnippetIT}; {@link
 * ReadmeSnippetTest} checks that the README shows exactly the lines between the markers.
 */
final class ReadmeSnippet {
  private ReadmeSnippet() {}

  static void signUp(String jdbcUrl, String user, String password, SchemaRegistry registry)
      throws SQLException {
    // readme:start
    OutboxWriter outbox =
        OutboxWriter.builder()
            .registry(registry)
            .producer("billing")
            .mode(OutboxMode.TABLE)
            .build();
    try (Connection db = DriverManager.getConnection(jdbcUrl, user, password)) {
      db.setAutoCommit(false);
      try (PreparedStatement insert = db.prepareStatement("INSERT INTO users VALUES (?, ?)")) {
        insert.setString(1, "42");
        insert.setString(2, "ada@example.com");
        insert.executeUpdate();
      }
      Map<String, Object> data = Map.of("userId", "42", "email", "ada@example.com", "name", "Ada");
      UUID eventId = outbox.publish(db, "user-signed-up", "42", data);
      db.commit(); // the user and the event are committed together, or neither is
    }
    // readme:end
  }
}
