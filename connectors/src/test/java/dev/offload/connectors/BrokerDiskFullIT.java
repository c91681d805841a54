package dev.offload.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.Ports;
import dev.offload.embedded.junit.ChildKafka;
import dev.offload.embedded.junit.Ledger;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.SmallDisk;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk under the Kafka broker's log directory full while the connector produces to it: the
 * broker's data lives on a small tmpfs of its own, which the test fills. The broker runs in a child
 * JVM; once space returns it is started again on its data if the full disk stopped it. The same
 * connector delivers every event committed before, during and after, in key order.
 */
@ExtendWith(SharedInfrastructure.class)
class BrokerDiskFullIT {
  private static final Logger log = LoggerFactory.getLogger(BrokerDiskFullIT.class);
  private static final int EACH = 20;

  @Test
  void aFullLogDirectoryUnderTheBrokerLosesNoEvent(Infrastructure infra, @TempDir Path dir)
      throws Exception {
    Path disk = Files.createDirectories(dir.resolve("disk"));
    SmallDisk.mount(disk, "256m", "the broker's data");
    try {
      run(infra, disk.resolve("kafka"), disk.resolve("filler"), dir);
    } finally {
      SmallDisk.unmount(disk);
    }
  }

  private void run(Infrastructure infra, Path kafkaDir, Path filler, Path dir) throws Exception {
    int port = Ports.freePort();
    String bootstrap = "127.0.0.1:" + port;
    String database = TestNames.database("broker_disk");
    OutboxTestSupport.createOutboxDatabase(infra, database);
    String type = TestNames.eventType("broker-disk");
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
            .with(OutboxTestSupport.namedAfter(database));
    Ledger ledger = new Ledger();
    Process broker = ChildKafka.start(kafkaDir, port);
    try {
      OutboxTestSupport.createTopic(bootstrap, topic);
      try (OutboxConnector connector = OutboxConnector.start(config, new SimpleMeterRegistry())) {
        OutboxTestSupport.publishRecorded(infra, database, type, 0, EACH, ledger);
        OutboxTestSupport.awaitDelivered(bootstrap, topic, ledger);

        SmallDisk.fill(filler);
        OutboxTestSupport.publishRecorded(infra, database, type, EACH, EACH, ledger);
        Process full = broker;
        boolean stopped;
        try {
          await().atMost(Duration.ofSeconds(60)).until(() -> !full.isAlive());
          stopped = true;
        } catch (ConditionTimeoutException e) {
          stopped = false;
        }
        log.info(
            "With its log directory's disk full the broker {}",
            stopped ? "stopped (exit " + full.exitValue() + ")" : "runs on");

        Files.delete(filler);
        if (!broker.isAlive()) {
          broker = ChildKafka.start(kafkaDir, port);
        }
        OutboxTestSupport.publishRecorded(infra, database, type, 2 * EACH, EACH, ledger);
        OutboxTestSupport.awaitDelivered(bootstrap, topic, ledger);
        Ledger.Report report =
            ledger.judge(Ledger.readToEnd(bootstrap, List.of(topic), Duration.ofSeconds(30)));
        log.info("Broker's disk full, then space back: {}", report);
        assertThat(report.lost()).as("events lost").isEmpty();
        assertThat(report.outOfOrder()).as("events out of key order").isEmpty();
        assertThat(connector.isRunning()).as("the same connector, never restarted").isTrue();
      }
    } finally {
      broker.destroyForcibly().waitFor();
    }
    OutboxTestSupport.dropSlot(infra, database, database);
  }
}
