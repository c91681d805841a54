package dev.offload.producers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.events.UserSignedUp;
import dev.offload.schemas.outbox.OutboxMessage;
import dev.offload.schemas.outbox.OutboxMigrations;
import dev.offload.schemas.registry.InMemorySchemaRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Runs the README's OutboxWriter example against a real PostgreSQL. */
@ExtendWith(SharedInfrastructure.class)
class ReadmeSnippetIT {
  @Test
  void theReadmeExampleCommitsTheRowAndTheEventTogether(Infrastructure infra) throws Exception {
    String database = TestNames.database("readme");
    infra.createDatabase(database);
    String url = infra.jdbcUrl(database);
    try (Connection c =
            DriverManager.getConnection(url, infra.postgresUser(), infra.postgresPassword());
        Statement s = c.createStatement()) {
      OutboxMigrations.migrate(c);
      s.execute("CREATE TABLE users (id text PRIMARY KEY, email text NOT NULL)");
    }
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    registry.register(TestSchemas.subject("user-signed-up"), UserSignedUp.getClassSchema());

    try (OutboxWal wal = OutboxWal.create(infra, database)) {
      ReadmeSnippet.signUp(url, infra.postgresUser(), infra.postgresPassword(), registry);

      assertThat(wal.events())
          .singleElement()
          .extracting(OutboxMessage::key, OutboxMessage::producer)
          .containsExactly("42", "billing");
    }
    try (Connection c =
            DriverManager.getConnection(url, infra.postgresUser(), infra.postgresPassword());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT email FROM users WHERE id = '42'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("ada@example.com");
    }
  }
}
