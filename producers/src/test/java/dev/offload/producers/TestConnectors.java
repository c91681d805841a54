package dev.offload.producers;

import static org.awaitility.Awaitility.await;

import dev.offload.connectors.ConnectorConfig;
import dev.offload.connectors.OutboxConnector;
import dev.offload.embedded.Infrastructure;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;

/**
 * The real connector role for the ingest API's tests: captures one database's outbox to {@code
 * offload.events.<type>} on the shared broker, with a replication slot, publication and engine name
 * of that database's own, so connectors of different tests never share anything.
 */
final class TestConnectors {
  private TestConnectors() {}

  /** The configuration of a connector of {@code database} on the shared servers. */
  static ConnectorConfig config(Infrastructure infra, String database, Path offsets) {
    return config(
        infra.bootstrapServers(),
        infra.postgresHost(),
        infra.postgresPort(),
        database,
        infra.postgresUser(),
        infra.postgresPassword(),
        offsets);
  }

  /** The configuration of a connector of {@code database} on any PostgreSQL server. */
  static ConnectorConfig config(
      String bootstrapServers,
      String host,
      int port,
      String database,
      String user,
      String password,
      Path offsets) {
    return ConnectorConfig.of(bootstrapServers, host, port, database, user, password, offsets)
        .with(
            Map.of(
                "connector.slot",
                database,
                "connector.publication",
                database + "_pub",
                "connector.name",
                "it-" + database));
  }

  /** Starts a connector, returning once it streams from its slot (created on first start). */
  static OutboxConnector start(ConnectorConfig config) {
    return OutboxConnector.start(config, new SimpleMeterRegistry());
  }

  /**
   * Drops the slot of a closed connector, once its WAL sender has let go of it, so a shared server
   * keeps no WAL for a test that has ended.
   */
  static void dropSlot(ConnectorConfig config) throws Exception {
    try (Connection c =
        DriverManager.getConnection(
            config.database().jdbcUrl(), config.database().user(), config.database().password())) {
      await().atMost(Duration.ofSeconds(30)).until(() -> !slotActive(c, config.connector().slot()));
      try (PreparedStatement drop =
          c.prepareStatement(
              "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                  + " WHERE slot_name = ?")) {
        drop.setString(1, config.connector().slot());
        drop.execute();
      }
    }
  }

  private static boolean slotActive(Connection c, String slot) throws Exception {
    try (PreparedStatement active =
        c.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
      active.setString(1, slot);
      try (ResultSet rs = active.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }
}
