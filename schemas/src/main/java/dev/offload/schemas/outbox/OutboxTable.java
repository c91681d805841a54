package dev.offload.schemas.outbox;

/**
 * The outbox table: the contract between the publishers (ingest API, {@code OutboxWriter}) that
 * write events into it and the connector that captures them from the write-ahead log.
 *
 * <p>Columns follow the Debezium outbox EventRouter defaults. {@code aggregatetype} and {@code
 * type} both hold the event type; {@code aggregateid} is the key that orders events.
 */
public final class OutboxTable {
  /** Table name, in the {@code public} schema. */
  public static final String NAME = "offload_outbox";

  /** Fully qualified name, as the connector's {@code table.include.list} names it. */
  public static final String QUALIFIED_NAME = "public." + NAME;

  /** Event id (uuid), becomes the {@code offload-event-id} header. */
  public static final String ID = "id";

  /** Event type; the connector routes on it. */
  public static final String AGGREGATE_TYPE = "aggregatetype";

  /** Key of the event (the aggregate id), becomes the Kafka record key. */
  public static final String AGGREGATE_ID = "aggregateid";

  /** Event type, becomes the {@code offload-event-type} header. */
  public static final String TYPE = "type";

  /**
   * Event data (bytea), becomes the record value byte for byte: the Confluent-framed Avro of the
   * event (magic byte 0, 4-byte schema id, Avro binary), or the UTF-8 JSON of its data when the
   * publisher runs without a schema registry (schemaless).
   */
  public static final String PAYLOAD = "payload";

  /** When the event happened, becomes the {@code offload-occurred-at} header. */
  public static final String OCCURRED_AT = "occurred_at";

  /** Name of the publishing application, becomes the {@code offload-producer} header. */
  public static final String PRODUCER = "producer";

  /** W3C trace context, becomes the {@code traceparent} header. */
  public static final String TRACEPARENT = "traceparent";

  /**
   * The statement a publisher runs, with parameters in this order: id, aggregatetype, aggregateid,
   * type, payload (bytes), occurred_at, producer, traceparent.
   */
  public static final String INSERT =
      "INSERT INTO "
          + NAME
          + " (id, aggregatetype, aggregateid, type, payload, occurred_at, producer, traceparent)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

  /** The statement that removes the row again in the same transaction; parameter: id. */
  public static final String DELETE = "DELETE FROM " + NAME + " WHERE id = ?";

  private OutboxTable() {}
}
