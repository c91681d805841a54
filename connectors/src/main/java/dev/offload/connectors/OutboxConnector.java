package dev.offload.connectors;

import dev.offload.connectors.internal.ChangeRecords;
import dev.offload.connectors.internal.ConnectorMetrics;
import dev.offload.connectors.internal.KafkaForwarder;
import dev.offload.connectors.internal.OffsetFlushPolicy;
import dev.offload.connectors.internal.SlotCheck;
import dev.offload.connectors.internal.SlotMonitor;
import dev.offload.runtime.tracing.Tracing;
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
 * <p>A replication slot that is gone when the connector starts, or when its task reconnects after
 * the connection to PostgreSQL was cut, stops it with an error that says what was not captured and
 * how to recover ({@link #failure()}); the connector never makes a new slot in its place once it
 * has streamed from one.
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
  private final Producer<byte[], byte[]> producer;
  private final CompletableFuture<Void> streaming = new CompletableFuture<>();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
  private volatile SlotMonitor slotMonitor;

  private OutboxConnector(ConnectorConfig config, Producer<byte[], byte[]> producer) {
    this.config = config;
    this.producer = producer;
  }

  /**
   * Starts capturing and returns once the engine streams from the replication slot (created with
   * the publication on first start); events committed from then on are delivered.
   *
   * @throws IllegalStateException with the engine's error when it fails to start
   * @throws IllegalArgumentException when {@code config} captures tables: they need {@link
   *     #start(ConnectorConfig, MeterRegistry, SchemaRegistry)}
   */
  public static OutboxConnector start(ConnectorConfig config, MeterRegistry registry) {
    return start(config, registry, null, Clock.systemUTC());
  }

  static OutboxConnector start(ConnectorConfig config, MeterRegistry registry, Clock clock) {
    return start(config, registry, null, clock);
  }

  /**
   * Starts capturing the outbox and the tables of {@code config.capture()} in one engine and one
   * slot, and returns once the engine streams (after the initial snapshot, when one is due). Before
   * the engine starts, the signalling table is created if missing and every captured table is
   * checked to exist with a primary key.
   *
   * @param schemas the schema registry the change events' key and value schemas are registered in;
   *     may be null when no table is captured
   * @throws IllegalStateException when a table cannot be captured or the engine fails to start
   */
  public static OutboxConnector start(
      ConnectorConfig config, MeterRegistry registry, SchemaRegistry schemas) {
    return start(config, registry, schemas, Clock.systemUTC(), Tracing.off());
  }

  /**
   * As {@link #start(ConnectorConfig, MeterRegistry, SchemaRegistry)}, recording a span of each
   * event's capture (from its write to Kafka's acknowledgement) in {@code tracing}.
   */
  public static OutboxConnector start(
      ConnectorConfig config, MeterRegistry registry, SchemaRegistry schemas, Tracing tracing) {
    return start(config, registry, schemas, Clock.systemUTC(), tracing);
  }

  static OutboxConnector start(
      ConnectorConfig config, MeterRegistry registry, SchemaRegistry schemas, Clock clock) {
    return start(config, registry, schemas, clock, Tracing.off());
  }

  private static OutboxConnector start(
      ConnectorConfig config,
      MeterRegistry registry,
      SchemaRegistry schemas,
      Clock clock,
      Tracing tracing) {
    ConnectorConfig.Database db = config.database();
    ConnectorConfig.Connector engine = config.connector();
    TableCapture capture = config.capture();
    SlotCheck.requireSlotOfStoredPosition(
        db.jdbcUrl(), db.user(), db.password(), engine.slot(), engine.offsetFile());
    ChangeRecords changes = null;
    if (capture.enabled()) {
      if (schemas == null) {
        throw new IllegalArgumentException("table capture needs a schema registry");
      }
      prepareDatabase(db, capture);
      changes = new ChangeRecords(capture, schemas);
    }
    OutboxConnector connector =
        new OutboxConnector(config, new KafkaProducer<>(config.producerProperties()));
    ConnectorMetrics metrics =
        new ConnectorMetrics(registry, engine.name(), clock, connector::isRunning);
    connector.run(
        new KafkaForwarder(
            connector.producer, metrics, changes, tracing.tracer(KafkaForwarder.TRACER)),
        clock);
    connector.slotMonitor =
        SlotMonitor.start(
            db.jdbcUrl(),
            db.user(),
            db.password(),
            engine.slot(),
            engine.name(),
            registry,
            SlotMonitor.INTERVAL);
    return connector;
  }

  private static void prepareDatabase(ConnectorConfig.Database db, TableCapture capture) {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      CapturedTables.requireCapturable(c, capture.tables());
      if (capture.fullBeforeImage()) {
        CapturedTables.setFullReplicaIdentity(c, capture.tables());
      }
      SnapshotSignal.ensureTable(c, capture.signalTable());
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot prepare table capture in " + db.jdbcUrl() + ": " + e.getMessage(), e);
    }
  }

  /** The tables captured besides the outbox. */
  public TableCapture capture() {
    return config.capture();
  }

  private void run(KafkaForwarder forwarder, Clock clock) {
    engine =
        DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
            .using(config.debeziumProperties())
            .using(new OffsetFlushPolicy(config.connector().offsetFlushInterval(), clock))
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
    Thread thread = new Thread(engine, "offload-connector-" + config.connector().name());
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
          "connector "
              + config.connector().name()
              + " failed to start: "
              + e.getCause().getMessage(),
          e.getCause());
    } catch (TimeoutException e) {
      close();
      throw new IllegalStateException(
          "connector " + config.connector().name() + " did not start within " + START_TIMEOUT, e);
    }
    log.info(
        "Connector {} is streaming from slot {}",
        config.connector().name(),
        config.connector().slot());
  }

  private void engineCompleted(boolean success, String message, Throwable error) {
    if (success && error == null) {
      log.info("Connector {} stopped: {}", config.connector().name(), message);
      streaming.completeExceptionally(new IllegalStateException("engine stopped: " + message));
      stopped.complete(null);
    } else {
      Throwable raised = error != null ? error : new IllegalStateException(message);
      // A lost slot's error says what was lost and how to recover; Debezium wraps it in its own.
      Throwable failure =
          SlotCheck.SlotLostException.in(raised).map(Throwable.class::cast).orElse(raised);
      log.error(
          "Connector {} failed: {}",
          config.connector().name(),
          failure == raised ? message : failure.getMessage(),
          failure);
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
      log.debug("Connector {} terminated with a failure", config.connector().name(), e.getCause());
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
        log.warn("Connector {} did not stop cleanly: {}", config.connector().name(), e.toString());
      }
      try {
        stopped.get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException e) {
        log.debug(
            "Connector {} had failed before it was closed",
            config.connector().name(),
            e.getCause());
      } catch (TimeoutException e) {
        log.warn("Connector {} did not stop within {}", config.connector().name(), STOP_TIMEOUT);
      }
    }
    producer.close(Duration.ofSeconds(10));
    if (slotMonitor != null) {
      slotMonitor.close();
    }
  }
}
