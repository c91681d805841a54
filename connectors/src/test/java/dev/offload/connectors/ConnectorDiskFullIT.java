package dev.offload.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.Ledger;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.SmallDisk;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk under the connector's offsets file full: the file lives on a small tmpfs of its own,
 * which the test fills while events keep being committed. The connector goes on delivering and
 * says, naming the file, that it cannot record its position; once space returns it records it again
 * by itself, and a connector started afterwards on the same file and slot loses nothing. Mounting
 * needs root: without it the test is skipped, saying so.
 */
@ExtendWith(SharedInfrastructure.class)
class ConnectorDiskFullIT {
  private static final Logger log = LoggerFactory.getLogger(ConnectorDiskFullIT.class);
  private static final int EACH = 20;
  private static final Duration FULL = Duration.ofSeconds(3);

  @Test
  void aFullDiskUnderTheOffsetsFileIsReportedAndLosesNothing(
      Infrastructure infra, @TempDir Path dir) throws Exception {
    Path disk = Files.createDirectories(dir.resolve("disk"));
    SmallDisk.mount(disk, "64k", "the offsets file");
    LogCapture errors = LogCapture.attach();
    try {
      run(infra, disk, errors);
    } finally {
      errors.detach();
      SmallDisk.unmount(disk);
    }
  }

  private void run(Infrastructure infra, Path disk, LogCapture errors) throws Exception {
    String database = TestNames.database("disk_full");
    OutboxTestSupport.createOutboxDatabase(infra, database);
    String type = TestNames.eventType("disk-full");
    String topic = Topics.events(type);
    OutboxTestSupport.createTopic(infra.bootstrapServers(), topic);
    Path offsets = disk.resolve("connector.offsets");
    ConnectorConfig config =
        ConnectorConfig.of(
                infra.bootstrapServers(),
                infra.postgresHost(),
                infra.postgresPort(),
                database,
                infra.postgresUser(),
                infra.postgresPassword(),
                offsets)
            .with(OutboxTestSupport.namedAfter(database));
    Ledger ledger = new Ledger();
    Path filler = disk.resolve("filler");
    try (OutboxConnector connector = OutboxConnector.start(config, new SimpleMeterRegistry())) {
      OutboxTestSupport.publishRecorded(infra, database, type, 0, EACH, ledger);
      OutboxTestSupport.awaitDelivered(infra.bootstrapServers(), topic, ledger);
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(offsets));

      SmallDisk.fill(filler);
      OutboxTestSupport.publishRecorded(infra, database, type, EACH, EACH, ledger);
      OutboxTestSupport.awaitDelivered(infra.bootstrapServers(), topic, ledger);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> errors.mentioning(offsets.getFileName().toString()).size() >= 2);
      assertThat(connector.isRunning()).as("the connector runs on with a full disk").isTrue();
      List<String> said = errors.mentioning(offsets.getFileName().toString());
      // While the disk stays full, the position is tried again once per flush interval, not
      // after every batch the engine polls: the log says so once an interval, not a hundred times.
      long from = System.currentTimeMillis();
      Thread.sleep(FULL.toMillis());
      long to = System.currentTimeMillis();
      long failedWrites = errors.between(offsets.getFileName().toString(), from, to);
      long interval = config.connector().offsetFlushInterval().toMillis();
      log.info(
          "{} failed writes of the offsets file in {} ms with the disk full (flush interval {} ms)",
          failedWrites,
          to - from,
          interval);
      assertThat(failedWrites)
          .as("failed writes in %d ms, flushing every %d ms", to - from, interval)
          .isLessThanOrEqualTo((to - from) / interval + 2);

      Files.delete(filler);
      FileTime full = Files.getLastModifiedTime(offsets);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Files.getLastModifiedTime(offsets).compareTo(full) > 0);
      assertThat(connector.isRunning()).as("the same connector, never restarted").isTrue();
      log.info("With the disk full the connector said: {}", said.get(0));
    }
    try (OutboxConnector again = OutboxConnector.start(config, new SimpleMeterRegistry())) {
      OutboxTestSupport.publishRecorded(infra, database, type, 2 * EACH, EACH, ledger);
      OutboxTestSupport.awaitDelivered(infra.bootstrapServers(), topic, ledger);
      Ledger.Report report =
          ledger.judge(
              Ledger.readToEnd(infra.bootstrapServers(), List.of(topic), Duration.ofSeconds(30)));
      log.info("Offsets file's disk full, then space back, then a new connector on it: {}", report);
      assertThat(report.lost()).as("events lost").isEmpty();
      assertThat(report.outOfOrder()).as("events out of key order").isEmpty();
      assertThat(report.unexpected()).as("events never committed").isEmpty();
      assertThat(again.failure()).isEmpty();
    }
    OutboxTestSupport.dropSlot(infra, database, database);
  }

  /** The WARN and ERROR lines logged while it is attached, with their causes' messages. */
  private static final class LogCapture extends AbstractAppender {
    private record Line(long millis, String text) {}

    private final ConcurrentLinkedQueue<Line> lines = new ConcurrentLinkedQueue<>();

    private LogCapture() {
      super("disk-full-capture", null, null, true, Property.EMPTY_ARRAY);
    }

    static LogCapture attach() {
      LogCapture capture = new LogCapture();
      capture.start();
      LoggerContext context = (LoggerContext) LogManager.getContext(false);
      context.getConfiguration().getRootLogger().addAppender(capture, Level.WARN, null);
      context.updateLoggers();
      return capture;
    }

    @Override
    public void append(LogEvent event) {
      StringBuilder line = new StringBuilder(event.getMessage().getFormattedMessage());
      for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
        line.append(" <- ").append(t);
      }
      lines.add(new Line(event.getTimeMillis(), line.toString()));
    }

    /** The lines that name {@code text} and say the disk is full. */
    List<String> mentioning(String text) {
      return lines.stream().map(Line::text).filter(l -> fullDisk(l, text)).toList();
    }

    /** How many such lines were logged from {@code from} to {@code to} (epoch millis). */
    long between(String text, long from, long to) {
      return lines.stream()
          .filter(l -> l.millis() >= from && l.millis() <= to && fullDisk(l.text(), text))
          .count();
    }

    private static boolean fullDisk(String line, String text) {
      return line.contains(text) && line.contains("No space left");
    }

    void detach() {
      LoggerContext context = (LoggerContext) LogManager.getContext(false);
      context.getConfiguration().getRootLogger().removeAppender(getName());
      context.updateLoggers();
      stop();
    }
  }
}
