package dev.offload.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.connectors.OutboxTestSupport.Event;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.Ports;
import dev.offload.embedded.junit.ChildKafka;
import dev.offload.embedded.junit.Ledger;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;
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
    mountTmpfs(disk, "256m");
    try {
      run(infra, disk.resolve("kafka"), disk.resolve("filler"), dir);
    } finally {
      unmount(disk);
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
        publish(infra, database, type, 0, ledger);
        awaitDelivered(bootstrap, topic, ledger);

        fill(filler);
        publish(infra, database, type, EACH, ledger);
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
        publish(infra, database, type, 2 * EACH, ledger);
        awaitDelivered(bootstrap, topic, ledger);
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

  private static List<String> lost(String bootstrap, String topic, Ledger ledger) {
    return ledger.judge(Ledger.readToEnd(bootstrap, List.of(topic), Duration.ofSeconds(10))).lost();
  }

  private static void awaitDelivered(String bootstrap, String topic, Ledger ledger) {
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(() -> lost(bootstrap, topic, ledger).isEmpty());
  }

  private static void publish(
      Infrastructure infra, String database, String type, int from, Ledger ledger)
      throws Exception {
    List<Event> events = new ArrayList<>();
    for (int i = from; i < from + EACH; i++) {
      events.add(Event.next(type, "key-" + (i % 5), i));
    }
    try (Connection c = OutboxTestSupport.connect(infra, database)) {
      OutboxTestSupport.publish(c, events);
    }
    events.forEach(e -> ledger.accepted(e.id().toString(), e.key()));
  }

  /** Writes {@code filler} until the file system has no space left. */
  private static void fill(Path filler) throws IOException {
    byte[] block = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).contains("No space left")) {
        throw e;
      }
    }
  }

  private static void mountTmpfs(Path disk, String size) throws Exception {
    Process mount;
    try {
      mount =
          new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", disk.toString())
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      Assumptions.abort("no mount command to make a small tmpfs with: " + e.getMessage());
      return;
    }
    String output = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = mount.waitFor();
    Assumptions.assumeTrue(
        exit == 0,
        () ->
            "mounting a small tmpfs under the broker's data is not permitted here (needs root): "
                + output.strip());
  }

  private static void unmount(Path disk) throws Exception {
    Process umount =
        new ProcessBuilder("umount", disk.toString()).redirectErrorStream(true).start();
    String output = new String(umount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (umount.waitFor() != 0) {
      throw new IllegalStateException("cannot unmount " + disk + ": " + output.strip());
    }
  }
}
