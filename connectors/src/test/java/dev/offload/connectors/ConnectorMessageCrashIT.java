package dev.offload.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.connectors.OutboxTestSupport.Event;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.Ledger;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The table-less outbox under a connector killed with SIGKILL: events are emitted as logical
 * decoding messages ({@code pg_logical_emit_message}, one per transaction) in a loop while the
 * connector process is killed three times and started again on the same offset file and slot.
 * Judged by the ledger: every committed event on Kafka, first deliveries in key order, nothing that
 * was never committed; duplicates are allowed (capture is at least once) and counted.
 */
@ExtendWith(SharedInfrastructure.class)
class ConnectorMessageCrashIT {
  private static final Duration FLUSH_INTERVAL =
      ConnectorConfig.LOADER.defaults(Map.of()).connector().offsetFlushInterval();
  private static final int KEYS = 20;
  private static final int KILLS = 3;
  private static final int EVENTS_PER_PHASE = 1_000;

  /** SIGKILL's exit status: 128 + 9. */
  private static final int KILLED = 137;

  @Test
  void everyEmittedEventArrivesAcrossHardKills(Infrastructure infra) throws Exception {
    String database = TestNames.database("connector_message_crash");
    OutboxTestSupport.createOutboxDatabase(infra, database);
    String type = TestNames.eventType("refund-issued");
    String topic = Topics.events(type);
    OutboxTestSupport.createTopic(infra.bootstrapServers(), topic);
    Path dir = Files.createDirectories(Path.of("target", "connector-message-crash-it", database));
    Ledger ledger = new Ledger();
    List<Integer> killedAt = new ArrayList<>();

    try (ConnectorChildren children =
        new ConnectorChildren(infra, database, dir.resolve("connector.offsets"), FLUSH_INTERVAL)) {
      // Writing starts once the first connector streams: its slot exists from then on, and an
      // event committed before a slot exists is never captured.
      Process connector = children.start(dir.resolve("connector-0.log"));
      try (MessageWriter writer = new MessageWriter(infra, database, type, ledger)) {
        for (int kill = 1; kill <= KILLS; kill++) {
          int from = ledger.size();
          Instant startedAt = Instant.now();
          // Kill mid-stream, once the running connector has flushed its position a few times.
          await()
              .atMost(Duration.ofSeconds(120))
              .until(
                  () ->
                      writer.accepted() >= from + EVENTS_PER_PHASE
                          && Instant.now().isAfter(startedAt.plus(FLUSH_INTERVAL.multipliedBy(3))));
          killedAt.add(ledger.size());
          connector.destroyForcibly(); // SIGKILL
          assertThat(connector.waitFor(30, TimeUnit.SECONDS)).as("killed").isTrue();
          assertThat(connector.exitValue()).as("exit status of SIGKILL").isEqualTo(KILLED);
          connector = children.start(dir.resolve("connector-" + kill + ".log"));
        }
        int last = ledger.size();
        await()
            .atMost(Duration.ofSeconds(120))
            .until(() -> writer.accepted() >= last + EVENTS_PER_PHASE);
        writer.stop();

        // Read to the end offsets again until every committed event is there; past the deadline
        // the last reading is reported, with what is missing.
        AtomicReference<Ledger.Report> report = new AtomicReference<>();
        try {
          await()
              .atMost(Duration.ofSeconds(120))
              .pollInterval(Duration.ofSeconds(1))
              .until(
                  () -> {
                    report.set(
                        ledger.judge(
                            Ledger.readToEnd(
                                infra.bootstrapServers(), List.of(topic), Duration.ofSeconds(30))));
                    return report.get().lost().isEmpty();
                  });
        } catch (ConditionTimeoutException e) {
          System.out.println("ConnectorMessageCrashIT: not every committed event arrived: " + e);
        }
        connector.destroy(); // SIGTERM: a graceful stop
        assertThat(connector.waitFor(60, TimeUnit.SECONDS)).as("graceful stop on SIGTERM").isTrue();

        Ledger.Report r = report.get();
        List<String> order = ledger.entries().stream().map(Ledger.Entry::id).toList();
        System.out.printf(
            "ConnectorMessageCrashIT: killed after %s events; the first events lost, by place in"
                + " commit order: %s%n",
            killedAt, r.lost().stream().limit(20).map(order::indexOf).toList());
        int duplicateRecords = r.duplicated().values().stream().mapToInt(n -> n - 1).sum();
        System.out.printf(
            "ConnectorMessageCrashIT: %d events committed as logical decoding messages, connector"
                + " killed with SIGKILL %d times; %d records read: %d lost, %d duplicated (%d extra"
                + " records), %d out of key order, %d never committed%n",
            r.accepted(),
            KILLS,
            r.delivered(),
            r.lost().size(),
            r.duplicated().size(),
            duplicateRecords,
            r.outOfOrder().size(),
            r.unexpected().size());
        assertThat(r.lost()).as("committed events missing from Kafka").isEmpty();
        assertThat(r.outOfOrder()).as("first deliveries out of key order").isEmpty();
        assertThat(r.unexpected()).as("events on Kafka that were never committed").isEmpty();
      }
    }
    OutboxTestSupport.dropSlot(infra, database, database);
  }

  /** Emits one outbox message per transaction until stopped; the ledger has each once committed. */
  private static final class MessageWriter implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Ledger ledger;
    private final Thread thread;

    MessageWriter(Infrastructure infra, String database, String type, Ledger ledger) {
      this.ledger = ledger;
      thread =
          new Thread(
              () -> {
                long[] seq = new long[KEYS];
                try (Connection c = OutboxTestSupport.connect(infra, database)) {
                  for (int i = 0; running.get(); i++) {
                    int key = i % KEYS;
                    Event event = Event.next(type, "customer-" + key, seq[key]++);
                    OutboxTestSupport.emit(c, List.of(event));
                    ledger.accepted(event.id().toString(), event.key());
                    // At most about a thousand a second: the kills land mid-stream all the same,
                    // and the CPU goes to the connector under test rather than to a backlog.
                    Thread.sleep(1);
                  }
                } catch (Exception e) {
                  failure.set(e);
                }
              },
              "outbox-message-writer");
      thread.start();
    }

    int accepted() {
      if (failure.get() != null) {
        throw new IllegalStateException("writer failed", failure.get());
      }
      return ledger.size();
    }

    void stop() throws Exception {
      running.set(false);
      thread.join(TimeUnit.SECONDS.toMillis(30));
      if (failure.get() != null) {
        throw failure.get();
      }
    }

    @Override
    public void close() throws Exception {
      stop();
    }
  }
}
