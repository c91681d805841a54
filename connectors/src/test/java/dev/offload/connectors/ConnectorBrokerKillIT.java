package dev.offload.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.connectors.OutboxTestSupport.Event;
import dev.offload.connectors.OutboxTestSupport.Received;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.Ports;
import dev.offload.embedded.junit.ChildKafka;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka broker killed with SIGKILL under a running connector, away for 10 s while events keep
 * being committed to the outbox, then started again on the same data and port: the same connector
 * resumes by itself, never stops, and every event committed before, during and after arrives. The
 * broker runs in a child JVM of its own, so that it can really be killed; PostgreSQL is the shared
 * one.
 */
@ExtendWith(SharedInfrastructure.class)
class ConnectorBrokerKillIT {
  private static final Logger log = LoggerFactory.getLogger(ConnectorBrokerKillIT.class);
  private static final int EACH = 20;
  private static final Duration AWAY = Duration.ofSeconds(10);

  @Test
  void theConnectorResumesByItselfAfterTheBrokerIsKilledAndRestarted(
      Infrastructure infra, @TempDir Path dir) throws Exception {
    Path kafkaDir = dir.resolve("kafka");
    int port = Ports.freePort();
    String bootstrap = "127.0.0.1:" + port;
    String database = TestNames.database("broker_kill");
    OutboxTestSupport.createOutboxDatabase(infra, database);
    String type = TestNames.eventType("broker-kill");
    String topic = Topics.events(type);
    ConnectorConfig config =
        ConnectorConfig.of(
                bootstrap,
                infra.postgresHost(),
                infra.postgresPort(),
                database,
                infra.postgresUser(),
                infra.postgresPassword(),
                dir.resolve("connector.offsets"))
            .with(
                Map.of(
                    "connector.slot",
                    database,
                    "connector.publication",
                    database + "_pub",
                    "connector.name",
                    "it-" + database));
    List<Event> written = new ArrayList<>();
    Process broker = ChildKafka.start(kafkaDir, port);
    try {
      OutboxTestSupport.createTopic(bootstrap, topic);
      try (OutboxConnector connector = OutboxConnector.start(config, new SimpleMeterRegistry())) {
        written.addAll(publish(infra, database, type, 0));
        OutboxTestSupport.readUntil(
            bootstrap, topic, Duration.ofSeconds(60), r -> ids(r).size() >= EACH);

        broker.destroyForcibly().waitFor();
        long killed = System.nanoTime();
        written.addAll(publish(infra, database, type, EACH));
        Thread.sleep(Math.max(0, AWAY.toMillis() - (System.nanoTime() - killed) / 1_000_000));
        assertThat(connector.isRunning())
            .as("the connector waits while the broker is away")
            .isTrue();

        broker = ChildKafka.start(kafkaDir, port);
        long restarted = System.nanoTime();
        written.addAll(publish(infra, database, type, 2 * EACH));
        List<Received> received =
            OutboxTestSupport.readUntil(
                bootstrap, topic, Duration.ofSeconds(120), r -> ids(r).size() >= 3 * EACH);
        log.info(
            "Every event on Kafka {} ms after the broker's restart ({} records for {} events)",
            (System.nanoTime() - restarted) / 1_000_000,
            received.size(),
            written.size());
        assertThat(ids(received))
            .as("every event committed before, during and after the outage")
            .containsAll(written.stream().map(e -> e.id().toString()).toList());
        assertThat(connector.isRunning()).as("the same connector, never restarted").isTrue();
        assertThat(connector.failure()).isEmpty();
      }
    } finally {
      broker.destroyForcibly().waitFor();
    }
  }

  private static List<Event> publish(Infrastructure infra, String database, String type, int from)
      throws Exception {
    List<Event> events = new ArrayList<>();
    for (int i = from; i < from + EACH; i++) {
      events.add(Event.next(type, "key-" + (i % 5), i));
    }
    try (Connection c = OutboxTestSupport.connect(infra, database)) {
      OutboxTestSupport.publish(c, events);
    }
    return events;
  }

  private static Set<String> ids(List<Received> received) {
    return received.stream().map(Received::eventId).collect(Collectors.toSet());
  }
}
