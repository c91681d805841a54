package dev.offload.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.connectors.OutboxTestSupport.Event;
import dev.offload.connectors.OutboxTestSupport.Received;
import dev.offload.connectors.internal.ConnectorMetrics;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import dev.offload.schemas.outbox.OutboxMessage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The table-less outbox: events emitted as logical decoding messages arrive on Kafka exactly as
 * outbox rows do (topic, key, value, headers, compared field by field), rolled-back messages never
 * arrive, and messages of other prefixes are ignored.
 */
@ExtendWith(SharedInfrastructure.class)
class OutboxMessageCaptureIT {
  @Test
  void messagesArriveAsRowsDoAndRolledBackOnesNever(Infrastructure infra, @TempDir Path dataDir)
      throws Exception {
    String database = TestNames.database("outbox_message");
    OutboxTestSupport.createOutboxDatabase(infra, database);
    String type = TestNames.eventType("invoice-paid");
    ConnectorConfig config =
        ConnectorConfig.of(
                infra.bootstrapServers(),
                infra.postgresHost(),
                infra.postgresPort(),
                database,
                infra.postgresUser(),
                infra.postgresPassword(),
                dataDir.resolve("connector.offsets"))
            .with(
                Map.of(
                    "connector.slot",
                    database,
                    "connector.publication",
                    database + "_pub",
                    "connector.name",
                    "it-" + database));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    // Each event is written both ways (the row is deleted again, so the id can be reused): the
    // two records must then be equal. One time is a whole second, one is whatever now is; one
    // key, so one partition and a defined order.
    Event roundTime =
        new Event(
            UUID.randomUUID(),
            type,
            "invoice-7",
            0,
            Instant.parse("2026-11-28T03:32:09Z"),
            Event.next(type, "k", 0).traceparent());
    Event now = Event.next(type, "invoice-7", 1);
    Event rolledBack = Event.next(type, "invoice-7", 2);

    try (OutboxConnector connector = OutboxConnector.start(config, registry);
        Connection c = OutboxTestSupport.connect(infra, database)) {
      OutboxTestSupport.createTopic(infra.bootstrapServers(), Topics.events(type));
      OutboxTestSupport.publish(c, List.of(roundTime, now));
      c.setAutoCommit(false);
      OutboxTestSupport.emitMessage(c, rolledBack, OutboxMessage.PREFIX);
      c.rollback();
      OutboxTestSupport.emitMessage(c, roundTime, OutboxMessage.PREFIX);
      OutboxTestSupport.emitMessage(c, now, OutboxMessage.PREFIX);
      OutboxTestSupport.emitMessage(c, Event.next(type, "invoice-7", 3), "someone-else");
      c.commit();

      List<Received> received =
          OutboxTestSupport.readUntil(
              infra.bootstrapServers(),
              Topics.events(type),
              Duration.ofSeconds(60),
              r -> r.size() >= 4);

      assertThat(received)
          .extracting(Received::eventId)
          .containsExactly(
              roundTime.id().toString(),
              now.id().toString(),
              roundTime.id().toString(),
              now.id().toString());
      for (int i = 0; i < 2; i++) {
        Received row = received.get(i);
        Received message = received.get(i + 2);
        assertThat(message.key()).isEqualTo(row.key());
        assertThat(message.value()).isEqualTo(row.value());
        assertThat(message.headers()).isEqualTo(row.headers());
        assertThat(message.partition()).isEqualTo(row.partition());
      }
      assertThat(received.get(2).headers())
          .containsEntry(OffloadHeaders.PRODUCER, "connector-it")
          .containsEntry(OffloadHeaders.TRACEPARENT, roundTime.traceparent())
          .containsEntry(OffloadHeaders.EVENT_TYPE, type);
      assertThat(Instant.parse(received.get(2).headers().get(OffloadHeaders.OCCURRED_AT)))
          .isEqualTo(roundTime.occurredAt());
      assertThat(registry.get(ConnectorMetrics.EVENTS).tag("type", type).counter().count())
          .isEqualTo(4);
      assertThat(connector.failure()).isEmpty();
    }
    OutboxTestSupport.dropSlot(infra, database, database);
  }
}
