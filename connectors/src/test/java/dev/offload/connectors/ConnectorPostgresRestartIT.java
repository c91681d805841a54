package dev.offload.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.connectors.OutboxTestSupport.Event;
import dev.offload.connectors.OutboxTestSupport.Received;
import dev.offload.embedded.EmbeddedPostgres;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.Topics;
import dev.offload.schemas.outbox.OutboxMigrations;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stopped the hard way (immediate shutdown: SIGQUIT to the server, no checkpoint, every
 * connection cut) for 10 s under a running connector, then started again on the same data and port:
 * the connector reconnects by itself, and every event committed before and after arrives. Behind
 * {@code -Doffload.soak=true}: every test run stops PostgreSQL the same way under the connector
 * role, the other roles and HTTP load ({@code PipelineKillIT} in app).
 */
@ExtendWith(SharedInfrastructure.class)
class ConnectorPostgresRestartIT {
  private static final int BEFORE = 20;
  private static final int AFTER = 20;

  @Test
  @EnabledIfSystemProperty(named = "offload.soak", matches = "true")
  void theConnectorResumesByItselfAfterAnImmediateStopOfPostgres(
      Infrastructure infra, @TempDir Path dir) throws Exception {
    Path pgDir = dir.resolve("pg");
    EmbeddedPostgres pg = EmbeddedPostgres.start(pgDir, 0);
    int port = pg.port();
    String database = TestNames.database("pg_restart");
    pg.createDatabaseIfAbsent(database);
    try (Connection c = connect(pg, database)) {
      OutboxMigrations.migrate(c);
    }
    String type = TestNames.eventType("pg-restart");
    String topic = Topics.events(type);
    OutboxTestSupport.createTopic(infra.bootstrapServers(), topic);
    ConnectorConfig config =
        ConnectorConfig.of(
                infra.bootstrapServers(),
                pg.host(),
                port,
                database,
                EmbeddedPostgres.USER,
                "",
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
    try (OutboxConnector connector = OutboxConnector.start(config, new SimpleMeterRegistry())) {
      written.addAll(publish(pg, database, type, 0, BEFORE));
      OutboxTestSupport.readUntil(
          infra.bootstrapServers(), topic, Duration.ofSeconds(60), r -> r.size() >= BEFORE);

      long server =
          Long.parseLong(Files.readAllLines(pgDir.resolve("pgdata/postmaster.pid")).get(0).trim());
      new ProcessBuilder("kill", "-QUIT", Long.toString(server)).inheritIO().start().waitFor();
      ProcessHandle.of(server).ifPresent(p -> p.onExit().join());
      try {
        pg.close(); // the server is gone; this releases the data directory's lock in this JVM
      } catch (RuntimeException e) {
        // pg_ctl finds nothing to stop
      }
      Thread.sleep(10_000);
      try (EmbeddedPostgres again = EmbeddedPostgres.start(pgDir, port)) {
        written.addAll(publish(again, database, type, BEFORE, AFTER));
        List<Received> received =
            OutboxTestSupport.readUntil(
                infra.bootstrapServers(),
                topic,
                Duration.ofSeconds(120),
                r -> ids(r).size() >= BEFORE + AFTER);
        assertThat(ids(received))
            .as("every event committed before and after the stop")
            .containsAll(written.stream().map(e -> e.id().toString()).toList());
        assertThat(connector.isRunning()).as("the same connector, never restarted").isTrue();
        connector.close(); // before its database, which would otherwise wait for its connections
      }
    }
  }

  private static List<Event> publish(
      EmbeddedPostgres pg, String database, String type, int from, int count) throws Exception {
    List<Event> events = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      events.add(Event.next(type, "key-" + (i % 5), i));
    }
    try (Connection c = connect(pg, database)) {
      OutboxTestSupport.publish(c, events);
    }
    return events;
  }

  private static Set<String> ids(List<Received> received) {
    return received.stream().map(Received::eventId).collect(Collectors.toSet());
  }

  private static Connection connect(EmbeddedPostgres pg, String database) throws Exception {
    return DriverManager.getConnection(pg.jdbcUrl(database), EmbeddedPostgres.USER, "");
  }
}
