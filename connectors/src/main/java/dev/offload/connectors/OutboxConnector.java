package dev.offload.connectors;

import dev.offload.connectors.internal.ChangeRecords;
import dev.offload.connectors.internal.ConnectorMetrics;
import dev.offload.connectors.internal.KafkaForwarder;
import dev.offload.connectors.internal.OffsetFlushPolicy;
import dev.offload.connectors.internal.SlotMonitor;
import dev.offload.schemas.registry.SchemaRegistry;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connector role: captures {@code public.offload_outbox} from PostgreSQL's write-ahead log with
 * the Debezium embedded engine and produces every event to {@code offload.events.<type>}, keyed by
 * aggregate id, at least once and in order per key. With a {@link TableCapture}, the same engine
 * also captures existing tables of the app to {@code offload.changes.<schema>.<table>}.
 *
 * <p>The engine runs on its own thread. An event's position is recorded only after Kafka
 * acknowledged it; see {@link ConnectorConfig} for what a crash re-delivers.
 *
 * <pre>{@code
 * try (OutboxConnector connector = OutboxConnector.start(config, registry)) {
 *   connector.awaitTermination();
 * }
 * }</pre>
 */
public final class OutboxConnector implements AutoCloseable {
  /** How long {@link #start} waits for the engine to stream (slot and publication included). */
  static final Duration START_TIMEOUT = Duration.ofMinutes(2);

  /** How long {@link #close} waits for the engine to stop and flush its position. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

  private static final Logger log = LoggerFactory.getLogger(OutboxConnector.class);

  private final ConnectorConfig config;
  private final TableCapture capture;
  private final Producer<byte[], byte[]> producer;
  private final CompletableFuture<Void> streaming = new CompletableFuture<>();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
  private volatile SlotMonitor slotMonitor;

  private OutboxConnector(
      ConnectorConfig config, TableCapture capture, Producer<byte[], byte[]> producer) {
    this.config = config;
    this.capture = capture;
    this.producer = producer;
  }

  /**
   * Starts capturing and returns once the engine streams from the replication slot (created with
   * the publication on first start); events committed from then on are delivered.
   *
   * @throws IllegalStateException with the engine's error when it fails to start
   */
  public static OutboxConnector start(ConnectorConfig config, MeterRegistry registry) {
    return start(config, registry, Clock.systemUTC());
  }

  static OutboxConnector start(ConnectorConfig config, MeterRegistry registry, Clock clock) {
    return start(config, TableCapture.none(), registry, null, clock);
  }

  /**
   * Starts capturing the outbox and the tables of {@code capture} in one engine and one slot, and
   * returns once the engine streams (after the initial snapshot, when one is due). Before the
   * engine starts, the signalling table is created if missing and every captured table is checked
   * to exist with a primary key.
   *
   * @param schemas the schema registry the change events' key and value schemas are registered in;
   *     may be null when {@code capture} captures no table
   * @throws IllegalStateException when a table cannot be captured or the engine fails to start
   */
  public static OutboxConnector start(
      ConnectorConfig config,
      TableCapture capture,
      MeterRegistry registry,
      SchemaRegistry schemas) {
    return start(config, capture, registry, schemas, Clock.systemUTC());
  }

  static OutboxConnector start(
      ConnectorConfig config,
      TableCapture capture,
      MeterRegistry registry,
      SchemaRegistry schemas,
      Clock clock) {
    SlotMonitor.requireSlotOfStoredPosition(
        config.jdbcUrl(),
        config.databaseUser(),
        config.databasePassword(),
        config.slotName(),
        config.offsetFile());
    ChangeRecords changes = null;
    if (capture.enabled()) {
      if (schemas == null) {
        throw new IllegalArgumentException("table capture needs a schema registry");
      }
      prepareDatabase(config, capture);
      changes = new ChangeRecords(capture, schemas);
    }
    OutboxConnector connector =
        new OutboxConnector(config, capture, new KafkaProducer<>(config.producerProperties()));
    ConnectorMetrics metrics =
        new ConnectorMetrics(registry, config.name(), clock, connector::isRunning);
    connector.run(new KafkaForwarder(connector.producer, metrics, changes), clock);
    connector.slotMonitor =
        SlotMonitor.start(
            config.jdbcUrl(),
            config.databaseUser(),
            config.databasePassword(),
            config.slotName(),
            config.name(),
            registry,
            SlotMonitor.INTERVAL);
    return connector;
  }

  private static void prepareDatabase(ConnectorConfig config, TableCapture capture) {
    try (Connection c =
        DriverManager.getConnection(
            config.jdbcUrl(), config.databaseUser(), config.databasePassword())) {
      CapturedTables.requireCapturable(c, capture.tables());
      if (capture.fullBeforeImage()) {
        CapturedTables.setFullReplicaIdentity(c, capture.tables());
      }
      SnapshotSignal.ensureTable(c, capture.signalTable());
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot prepare table capture in " + config.jdbcUrl() + ": " + e.getMessage(), e);
    }
  }

  /** The tables captured besides the outbox. */
  public TableCapture capture() {
    return capture;
  }

  private void run(KafkaForwarder forwarder, Clock clock) {
    engine =
        DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
            .using(config.debeziumProperties(capture))
            .using(new OffsetFlushPolicy(config.offsetFlushInterval(), clock))
            .using(
                new DebeziumEngine.ConnectorCallback() {
                  @Override
                  public void pollingStarted() {
                    streaming.complete(null);
                  }
                })
            .using(this::engineCompleted)
            .notifying(forwarder)
            .build();
    Thread thread = new Thread(engine, "offload-connector-" + config.name());
    thread.start();
    log.info("Starting connector {}", config);
    try {
      streaming.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException("interrupted while the connector was starting", e);
    } catch (ExecutionException e) {
      close();
      throw new IllegalStateException(
          "connector " + config.name() + " failed to start: " + e.getCause().getMessage(),
          e.getCause());
    } catch (TimeoutException e) {
      close();
      throw new IllegalStateException(
          "connector " + config.name() + " did not start within " + START_TIMEOUT, e);
    }
    log.info("Connector {} is streaming from slot {}", config.name(), config.slotName());
  }

  private void engineCompleted(boolean success, String message, Throwable error) {
    if (success && error == null) {
      log.info("Connector {} stopped: {}", config.name(), message);
      streaming.completeExceptionally(new IllegalStateException("engine stopped: " + message));
      stopped.complete(null);
    } else {
      Throwable failure = error != null ? error : new IllegalStateException(message);
      log.error("Connector {} failed: {}", config.name(), message, failure);
      streaming.completeExceptionally(failure);
      stopped.completeExceptionally(failure);
    }
  }

  /** Whether the engine is streaming: started, not stopped, not failed. */
  public boolean isRunning() {
    return streaming.isDone() && !streaming.isCompletedExceptionally() && !stopped.isDone();
  }

  /** Why the engine stopped, if it failed. */
  public Optional<Throwable> failure() {
    if (!stopped.isCompletedExceptionally()) {
      return Optional.empty();
    }
    try {
      stopped.join();
      return Optional.empty();
    } catch (RuntimeException e) {
      return Optional.of(e.getCause() != null ? e.getCause() : e);
    }
  }

  /** Blocks until the engine has stopped, by {@link #close()} or by failing. */
  public void awaitTermination() throws InterruptedException {
    try {
      stopped.get();
    } catch (ExecutionException e) {
      // The failure is logged by the completion callback and available from failure().
      log.debug("Connector {} terminated with a failure", config.name(), e.getCause());
    }
  }

  /**
   * Stops the engine gracefully (the position of every delivered event is flushed, so a restart
   * re-delivers nothing, unless the database is unreachable at that moment), then closes the
   * producer. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (!stopped.isDone()) {
      try {
        engine.close();
      } catch (IOException | IllegalStateException e) {
        log.warn("Connector {} did not stop cleanly: {}", config.name(), e.toString());
      }
      try {
        stopped.get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException e) {
        log.debug("Connector {} had failed before it was closed", config.name(), e.getCause());
      } catch (TimeoutException e) {
        log.warn("Connector {} did not stop within {}", config.name(), STOP_TIMEOUT);
      }
    }
    producer.close(Duration.ofSeconds(10));
    if (slotMonitor != null) {
      slotMonitor.close();
    }
  }
}
