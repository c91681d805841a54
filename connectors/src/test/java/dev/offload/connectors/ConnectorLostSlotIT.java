package dev.offload.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.offload.connectors.OutboxTestSupport.Event;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connector that has captured before (its offset file holds a position) and finds its replication
 * slot gone refuses to start, saying what was lost and how to recover, instead of making a new slot
 * that would silently skip the events committed in between; once the offset file is moved aside, as
 * the error says, it starts afresh. Here the slot is dropped while the connector is stopped and an
 * event is committed meanwhile: that event is the one a new slot would have skipped.
 */
@ExtendWith(SharedInfrastructure.class)
class ConnectorLostSlotIT {

  @Test
  void aMissingSlotStopsTheConnectorWithWhatWasLostInsteadOfASilentNewSlot(
      Infrastructure infra, @TempDir Path dir) throws Exception {
    String database = TestNames.database("lost_slot");
    OutboxTestSupport.createOutboxDatabase(infra, database);
    String type = TestNames.eventType("lost-slot");
    String topic = Topics.events(type);
    OutboxTestSupport.createTopic(infra.bootstrapServers(), topic);
    Path offsets = dir.resolve("connector.offsets");
    ConnectorConfig config =
        ConnectorConfig.of(
                infra.bootstrapServers(),
                infra.postgresHost(),
                infra.postgresPort(),
                database,
                infra.postgresUser(),
                infra.postgresPassword(),
                offsets)
            .with(
                Map.of(
                    "connector.slot",
                    database,
                    "connector.publication",
                    database + "_pub",
                    "connector.name",
                    "it-" + database));
    try (OutboxConnector connector = OutboxConnector.start(config, new SimpleMeterRegistry())) {
      try (Connection c = OutboxTestSupport.connect(infra, database)) {
        OutboxTestSupport.publish(c, List.of(Event.next(type, "k", 0)));
      }
      OutboxTestSupport.readUntil(
          infra.bootstrapServers(), topic, Duration.ofSeconds(60), r -> r.size() >= 1);
    }
    assertThat(Files.size(offsets)).as("the position the connector stored").isPositive();

    try (Connection c = OutboxTestSupport.connect(infra, database);
        Statement s = c.createStatement()) {
      dropSlot(s, database);
      OutboxTestSupport.publish(c, List.of(Event.next(type, "k", 1)));
    }

    assertThatThrownBy(() -> OutboxConnector.start(config, new SimpleMeterRegistry()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("replication slot " + database + " does not exist")
        .hasMessageContaining(offsets.toString())
        .hasMessageContaining("not captured")
        .hasMessageMatching(
            "(?s).*holds the position capture stopped at \\(LSN [0-9A-F]+/[0-9A-F]+\\).*")
        .hasMessageContaining("move " + offsets + " aside");
    try (Connection c = OutboxTestSupport.connect(infra, database);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + database + "'")) {
      rs.next();
      assertThat(rs.getLong(1)).as("no new slot made").isZero();
    }

    // The recovery the message gives: with the offset file moved aside, a new start is a first one.
    Files.move(offsets, dir.resolve("connector.offsets.old"));
    try (OutboxConnector connector = OutboxConnector.start(config, new SimpleMeterRegistry())) {
      assertThat(connector.isRunning()).isTrue();
    }
    try (Connection c = OutboxTestSupport.connect(infra, database);
        Statement s = c.createStatement()) {
      dropSlot(s, database);
    }
  }

  /** Drops {@code slot} once the stopped connector's walsender has let go of it. */
  private static void dropSlot(Statement s, String slot) {
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () ->
                s.execute(
                        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                            + " WHERE slot_name = '"
                            + slot
                            + "'")
                    || true);
  }
}
