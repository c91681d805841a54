package dev.offload.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.Ports;
import dev.offload.embedded.junit.Ledger;
import dev.offload.embedded.junit.ProxiedKafka;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network between the connector and PostgreSQL, then between the connector and Kafka, frozen
 * for 30 s. PostgreSQL first: a TCP proxy in front of the database, which the connector's JDBC and
 * replication connections go through, stops passing bytes either way while the connections stay
 * open (no reset, no FIN: what a stalled route or a paused VM looks like). Events keep being
 * committed meanwhile, straight to PostgreSQL. After the thaw the same connector, never restarted,
 * delivers every event committed before, during and after, in key order.
 */
@ExtendWith(SharedInfrastructure.class)
class ConnectorNetworkFreezeIT {
  private static final Logger log = LoggerFactory.getLogger(ConnectorNetworkFreezeIT.class);
  private static final int EACH = 20;
  private static final Duration FROZEN = Duration.ofSeconds(30);

  @Test
  void theConnectorDeliversEveryEventAfterANetworkFreezeByItself(
      Infrastructure infra, @TempDir Path dir) throws Exception {
    String database = TestNames.database("net_freeze");
    OutboxTestSupport.createOutboxDatabase(infra, database);
    try (Connection c = OutboxTestSupport.connect(infra, database);
        Statement s = c.createStatement()) {
      // The server gives up on a silent replication connection after this (60 s by default):
      // shorter than the freeze, so the connector comes back to a connection the server closed.
      s.execute("ALTER DATABASE " + database + " SET wal_sender_timeout = '10s'");
    }
    String type = TestNames.eventType("net-freeze");
    String topic = Topics.events(type);
    OutboxTestSupport.createTopic(infra.bootstrapServers(), topic);
    Ledger ledger = new Ledger();
    try (NioReactor reactor = new NioReactor();
        TcpCrusher proxy =
            TcpCrusherBuilder.builder()
                .withReactor(reactor)
                .withBindAddress("127.0.0.1", Ports.freePort())
                .withConnectAddress(infra.postgresHost(), infra.postgresPort())
                .buildAndOpen()) {
      ConnectorConfig config =
          config(
              infra,
              infra.bootstrapServers(),
              "127.0.0.1",
              proxy.getBindAddress().getPort(),
              database,
              dir);
      try (OutboxConnector connector = OutboxConnector.start(config, new SimpleMeterRegistry())) {
        OutboxTestSupport.publishRecorded(infra, database, type, 0, EACH, ledger);
        OutboxTestSupport.awaitDelivered(infra.bootstrapServers(), topic, ledger);
        assertThat(OutboxTestSupport.lost(infra.bootstrapServers(), topic, ledger))
            .as("events before the freeze")
            .isEmpty();

        proxy.freeze();
        long frozen = System.nanoTime();
        OutboxTestSupport.publishRecorded(infra, database, type, EACH, EACH, ledger);
        Thread.sleep(Math.max(0, FROZEN.toMillis() - (System.nanoTime() - frozen) / 1_000_000));
        int missingAtThaw =
            OutboxTestSupport.lost(infra.bootstrapServers(), topic, ledger)
                .size(); // read from Kafka, not the proxy
        assertThat(connector.isRunning()).as("the connector waits out the freeze").isTrue();

        proxy.unfreeze();
        long thawed = System.nanoTime();
        OutboxTestSupport.publishRecorded(infra, database, type, 2 * EACH, EACH, ledger);
        OutboxTestSupport.awaitDelivered(infra.bootstrapServers(), topic, ledger);
        Ledger.Report report =
            ledger.judge(Ledger.readToEnd(infra.bootstrapServers(), List.of(topic), timeout()));
        log.info(
            "Network to PostgreSQL frozen {} s: {} of the {} events committed meanwhile not on Kafka"
                + " at the thaw; all {} on Kafka {} ms after it; {}",
            FROZEN.toSeconds(),
            missingAtThaw,
            EACH,
            ledger.size(),
            (System.nanoTime() - thawed) / 1_000_000,
            report);
        assertThat(connector.failure()).as("the connector's failure").isEmpty();
        assertThat(report.lost()).as("events lost").isEmpty();
        assertThat(report.outOfOrder()).as("events out of key order").isEmpty();
        assertThat(report.unexpected()).as("events never committed").isEmpty();
        assertThat(connector.isRunning()).as("the same connector, never restarted").isTrue();
      }
    }
    OutboxTestSupport.dropSlot(infra, database, database);
  }

  /**
   * The network between the connector and Kafka frozen for 30 s, the length of the producer's
   * request timeout: the broker advertises the proxy as its address, so every connection the
   * connector's producer makes, after bootstrap too, goes through it. Events keep being committed
   * meanwhile; the connector must hold them (its slot keeps the WAL) and, never restarted, deliver
   * every event committed before, during and after, in key order, once the link is back.
   */
  @Test
  void theConnectorDeliversEveryEventAfterItsLinkToKafkaFreezes(
      Infrastructure infra, @TempDir Path dir) throws Exception {
    String database = TestNames.database("kafka_freeze");
    OutboxTestSupport.createOutboxDatabase(infra, database);
    String type = TestNames.eventType("kafka-freeze");
    String topic = Topics.events(type);
    Ledger ledger = new Ledger();
    try (ProxiedKafka proxy = ProxiedKafka.start(dir.resolve("kafka"))) {
      String bootstrap = proxy.bootstrapServers();
      OutboxTestSupport.createTopic(bootstrap, topic);
      ConnectorConfig config =
          config(infra, bootstrap, infra.postgresHost(), infra.postgresPort(), database, dir);
      try (OutboxConnector connector = OutboxConnector.start(config, new SimpleMeterRegistry())) {
        OutboxTestSupport.publishRecorded(infra, database, type, 0, EACH, ledger);
        OutboxTestSupport.awaitDelivered(bootstrap, topic, ledger);
        assertThat(OutboxTestSupport.lost(bootstrap, topic, ledger))
            .as("events before the freeze")
            .isEmpty();

        proxy.freeze();
        long frozen = System.nanoTime();
        OutboxTestSupport.publishRecorded(infra, database, type, EACH, EACH, ledger);
        Thread.sleep(Math.max(0, FROZEN.toMillis() - (System.nanoTime() - frozen) / 1_000_000));
        assertThat(connector.isRunning()).as("the connector waits out the freeze").isTrue();

        proxy.unfreeze();
        long thawed = System.nanoTime();
        OutboxTestSupport.publishRecorded(infra, database, type, 2 * EACH, EACH, ledger);
        OutboxTestSupport.awaitDelivered(bootstrap, topic, ledger);
        long deliveredAfter = (System.nanoTime() - thawed) / 1_000_000;
        Ledger.Report report = ledger.judge(Ledger.readToEnd(bootstrap, List.of(topic), timeout()));
        log.info(
            "Network to Kafka frozen {} s: all {} events on Kafka {} ms after the thaw; {}",
            FROZEN.toSeconds(),
            ledger.size(),
            deliveredAfter,
            report);
        assertThat(connector.failure()).as("the connector's failure").isEmpty();
        assertThat(report.lost()).as("events lost").isEmpty();
        assertThat(report.outOfOrder()).as("events out of key order").isEmpty();
        assertThat(report.unexpected()).as("events never committed").isEmpty();
        assertThat(connector.isRunning()).as("the same connector, never restarted").isTrue();
      }
    }
    OutboxTestSupport.dropSlot(infra, database, database);
  }

  /** The connector on {@code bootstrap}, reaching the database at {@code host}:{@code port}. */
  private static ConnectorConfig config(
      Infrastructure infra, String bootstrap, String host, int port, String database, Path dir) {
    return ConnectorConfig.of(
            bootstrap,
            host,
            port,
            database,
            infra.postgresUser(),
            infra.postgresPassword(),
            dir.resolve("connector.offsets"))
        .with(OutboxTestSupport.namedAfter(database));
  }

  private static Duration timeout() {
    return Duration.ofSeconds(30);
  }
}
