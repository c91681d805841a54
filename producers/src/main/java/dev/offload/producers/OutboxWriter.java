package dev.offload.producers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.offload.producers.internal.AvroJson;
import dev.offload.producers.internal.EventRequestValidator;
import dev.offload.producers.internal.EventSchemas;
import dev.offload.producers.internal.OutboxStatements;
import dev.offload.producers.internal.Traceparent;
import dev.offload.producers.internal.WriterSchemas;
import dev.offload.producers.validation.JsonToAvro;
import dev.offload.producers.validation.ValidationException;
import dev.offload.schemas.EventTypes;
import dev.offload.schemas.outbox.OutboxMode;
import dev.offload.schemas.registry.SchemaRegistry;
import dev.offload.schemas.registry.SchemaVersion;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;

/**
 * Publishes events from an existing JVM application inside its own JDBC transaction: the event is
 * written to the outbox on the caller's {@link Connection}, so it is committed with the caller's
 * own changes and vanishes with them on rollback. Once committed, the connector carries it to
 * {@code offload.events.<type>} exactly as it carries events of the ingest API: same key, value and
 * headers.
 *
 * <pre>{@code
 * OutboxWriter outbox =
 *     OutboxWriter.builder().registry(registry).producer("billing").mode(OutboxMode.TABLE).build();
 * connection.setAutoCommit(false);
 * // ... the application's own statements ...
 * UUID eventId = outbox.publish(connection, "user-signed-up", "user-42", data);
 * connection.commit();
 * }</pre>
 *
 * <p>{@code data} is an Avro record (generated or {@link GenericRecord}) or a {@code
 * Map<String,Object>} of JSON-like values (strings, numbers, booleans, lists, maps, {@code null}).
 * It is checked against the latest schema registered under {@code offload.events.<type>-value}
 * exactly as the ingest API checks a request's {@code data}, and written as Avro in the Confluent
 * wire format with that schema's id. Refused data throws {@link InvalidEventException} naming every
 * field at fault, before anything is written. Schema lookups are cached for {@link
 * Builder#schemaCacheTtl}; a registry failure throws {@code RegistryException}.
 *
 * <p>In {@link OutboxMode#TABLE} the writer runs the API's INSERT and DELETE on {@code
 * offload_outbox} (created by the outbox migrations); in {@link OutboxMode#MESSAGE} it emits one
 * transactional logical decoding message instead and needs no table. Thread-safe; one writer serves
 * any number of connections. Publish time is recorded in the timer {@code offload.writer.publish},
 * tagged {@code mode} and {@code outcome}.
 */
public final class OutboxWriter {
  /** Longest producer name: the width of the outbox {@code producer} column. */
  public static final int MAX_PRODUCER_LENGTH = ApiConfig.MAX_PRODUCER_NAME_LENGTH;

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .build();

  private final WriterSchemas schemas;
  private final String producer;
  private final OutboxMode mode;
  private final Clock clock;
  private final Timer succeeded;
  private final Timer failed;

  private OutboxWriter(Builder b) {
    this.schemas = b.registry == null ? null : new WriterSchemas(b.registry, b.clock, b.ttl);
    this.producer = b.producer;
    this.mode = b.mode;
    this.clock = b.clock;
    this.succeeded = timer(b.meters, b.mode, "success");
    this.failed = timer(b.meters, b.mode, "failure");
  }

  /** A builder; {@link Builder#producer} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** How this writer hands events to the connector. */
  public OutboxMode mode() {
    return mode;
  }

  /**
   * Writes an event on {@code connection}, in its current transaction, with a new trace.
   *
   * @return the event id, the {@code offload-event-id} header downstream
   * @see #publish(Connection, String, String, Object, String)
   */
  public UUID publish(Connection connection, String type, String key, Object data)
      throws SQLException {
    return publish(connection, type, key, data, null);
  }

  /**
   * Writes an event on {@code connection}, in its current transaction: committed with it, discarded
   * with it on rollback (with auto-commit on, it is committed at once).
   *
   * @param type the kebab-case event type, for example {@code user-signed-up}
   * @param key the aggregate id: the record key, which orders events
   * @param data an Avro record or a {@code Map<String,Object>}, see the class description
   * @param traceparent the W3C trace context to record; {@code null} or invalid starts a new trace
   * @return the event id, the {@code offload-event-id} header downstream
   * @throws InvalidEventException when the type, key or data is refused; nothing was written
   * @throws SQLException when the database refuses the write
   */
  public UUID publish(
      Connection connection, String type, String key, Object data, String traceparent)
      throws SQLException {
    Objects.requireNonNull(connection, "connection");
    checkTypeAndKey(type, key);
    byte[] payload = payload(type, Objects.requireNonNull(data, "data"));
    UUID id = UUID.randomUUID();
    Instant occurredAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
    long start = System.nanoTime();
    try {
      OutboxStatements.write(
          connection,
          mode,
          id,
          type,
          key,
          payload,
          occurredAt,
          producer,
          Traceparent.resolve(traceparent));
    } catch (SQLException | RuntimeException e) {
      failed.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      throw e;
    }
    succeeded.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    return id;
  }

  private byte[] payload(String type, Object data) {
    if (schemas == null) {
      return schemaless(data);
    }
    SchemaVersion schema = schemas.latest(type);
    if (schema == null) {
      throw new InvalidEventException(
          "unknown event type '"
              + type
              + "': subject "
              + EventSchemas.subjectOf(type)
              + " has no schema",
          List.of());
    }
    GenericRecord record;
    try {
      record = JsonToAvro.toRecord(json(data), schema.schema());
    } catch (ValidationException e) {
      throw new InvalidEventException(violationMessage(type, schema, e), e.violations());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "the schema of event type '" + type + "' is not a record: Offload events are records", e);
    }
    return schemas.frame(type, record);
  }

  private static String violationMessage(String type, SchemaVersion schema, ValidationException e) {
    int n = e.violations().size();
    String count =
        e.truncated()
            ? "more than " + n + " violations (the first are listed)"
            : n + (n == 1 ? " violation" : " violations");
    return "data does not match the schema of '"
        + type
        + "' (version "
        + schema.version()
        + "): "
        + count
        + ": "
        + e.violations().stream().map(Object::toString).collect(Collectors.joining("; "));
  }

  private static JsonNode json(Object data) {
    if (data instanceof IndexedRecord record) {
      return AvroJson.render(record);
    }
    if (data instanceof Map<?, ?> map) {
      try {
        return JSON.valueToTree(map);
      } catch (IllegalArgumentException e) {
        throw new InvalidEventException(
            "data holds a value that is not JSON-like: " + e.getMessage(), List.of());
      }
    }
    if (data instanceof JsonNode node) {
      return node;
    }
    if (data instanceof GenericContainer container) {
      // Named by its schema type, never shown: the data may be personal.
      throw new InvalidEventException(
          "data must be an Avro record, not an Avro " + container.getSchema().getType(), List.of());
    }
    throw new InvalidEventException(
        "data must be an Avro record or a Map<String,Object>, was a " + data.getClass().getName(),
        List.of());
  }

  private static byte[] schemaless(Object data) {
    try {
      return JSON.writeValueAsBytes(json(data));
    } catch (JsonProcessingException e) {
      throw new InvalidEventException(
          "data cannot be written as JSON: " + e.getMessage(), List.of());
    }
  }

  private static void checkTypeAndKey(String type, String key) {
    if (!EventTypes.isValid(type)) {
      throw new InvalidEventException(
          "event type must be kebab-case (lower-case words joined by '-'), was: '" + type + "'",
          List.of());
    }
    if (key == null || key.isBlank()) {
      throw new InvalidEventException("key must not be blank", List.of());
    }
    if (key.codePointCount(0, key.length()) > EventRequestValidator.MAX_KEY_LENGTH) {
      throw new InvalidEventException(
          "key must be at most " + EventRequestValidator.MAX_KEY_LENGTH + " characters", List.of());
    }
    if (key.indexOf('\0') >= 0) {
      throw new InvalidEventException("key must not contain the NUL character", List.of());
    }
  }

  private static Timer timer(MeterRegistry meters, OutboxMode mode, String outcome) {
    return Timer.builder("offload.writer.publish")
        .description("Outbox writes by OutboxWriter on the caller's connection")
        .tag("mode", mode.configName())
        .tag("outcome", outcome)
        .register(meters);
  }

  /** Settings of an {@link OutboxWriter}. */
  public static final class Builder {
    private SchemaRegistry registry;
    private String producer;
    private OutboxMode mode = OutboxMode.TABLE;
    private Duration ttl = ApiConfig.DEFAULT_SCHEMA_CACHE_TTL;
    private Clock clock = Clock.systemUTC();
    private MeterRegistry meters = Metrics.globalRegistry;

    private Builder() {}

    /**
     * Where the event types' schemas live, for example a {@code RegistryClient}. Without one the
     * writer is schemaless: any map is accepted and written as UTF-8 JSON, as the ingest API does
     * without a registry.
     */
    public Builder registry(SchemaRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** The application's name, the {@code offload-producer} header of its events; required. */
    public Builder producer(String producer) {
      this.producer = producer;
      return this;
    }

    /** Outbox table (default) or table-less logical decoding messages. */
    public Builder mode(OutboxMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** How long the latest schema of a type is reused; default 5 seconds. */
    public Builder schemaCacheTtl(Duration ttl) {
      Objects.requireNonNull(ttl, "schemaCacheTtl");
      if (ttl.toMillis() < 1) {
        throw new IllegalArgumentException("schemaCacheTtl must be at least 1 ms, was: " + ttl);
      }
      this.ttl = ttl;
      return this;
    }

    /** The clock of {@code offload-occurred-at} and of the schema cache; default UTC. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Where the {@code offload.writer.publish} timer goes; default Micrometer's global registry.
     */
    public Builder meterRegistry(MeterRegistry meters) {
      this.meters = Objects.requireNonNull(meters, "meterRegistry");
      return this;
    }

    /**
     * The writer.
     *
     * @throws IllegalArgumentException when the producer name is blank or longer than 255
     *     characters
     */
    public OutboxWriter build() {
      if (producer == null || producer.isBlank()) {
        throw new IllegalArgumentException("producer must not be blank");
      }
      if (producer.length() > MAX_PRODUCER_LENGTH) {
        throw new IllegalArgumentException(
            "producer must be at most "
                + MAX_PRODUCER_LENGTH
                + " characters, was: "
                + producer.length());
      }
      return new OutboxWriter(this);
    }
  }
}
