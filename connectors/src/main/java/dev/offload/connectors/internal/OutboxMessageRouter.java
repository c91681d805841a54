package dev.offload.connectors.internal;

import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import dev.offload.schemas.outbox.OutboxMessage;
import io.debezium.time.ZonedTimestamp;
import java.nio.ByteBuffer;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * The table-less outbox's counterpart of the outbox EventRouter: turns each logical decoding
 * message with prefix {@value OutboxMessage#PREFIX} (an {@link OutboxMessage}, see {@code
 * OutboxMode.MESSAGE}) into the record the EventRouter makes of an outbox row, so {@link
 * KafkaForwarder} produces both the same way: topic {@code offload.events.<type>}, key the
 * aggregate id, value the payload bytes as written, the Offload headers as strings ({@code
 * offload-occurred-at} in Debezium's rendering of a {@code timestamptz} column).
 *
 * <p>Other records pass unchanged. A message that cannot be decoded (a newer envelope version)
 * stops the connector with the reason rather than being skipped: nothing is lost, and the message
 * is captured again once a connector that reads it runs.
 */
public final class OutboxMessageRouter implements Transformation<SourceRecord> {
  /** The name of this transform in the connector's {@code transforms} list. */
  public static final String NAME = "outboxmessage";

  /** The value schema of Debezium's logical decoding message records. */
  static final String MESSAGE_VALUE_SCHEMA = "io.debezium.connector.postgresql.MessageValue";

  /**
   * Digits of the fraction in {@code offload-occurred-at}: a {@code timestamptz} column's scale.
   */
  private static final int MICROS = 6;

  /**
   * Adds this transform after those already configured in {@code debezium}, and asks the connector
   * for the messages with prefix {@value OutboxMessage#PREFIX} (and no other).
   */
  public static void addTo(Properties debezium) {
    String transforms = debezium.getProperty("transforms", "");
    debezium.setProperty("transforms", transforms.isBlank() ? NAME : transforms + "," + NAME);
    debezium.setProperty("transforms." + NAME + ".type", OutboxMessageRouter.class.getName());
    debezium.setProperty("message.prefix.include.list", OutboxMessage.PREFIX);
  }

  /**
   * Digits of the fraction in {@code offload-occurred-at}: a {@code timestamptz} column's scale.
   */
  private static final int TIMESTAMPTZ_SCALE = 6;

  @Override
  public SourceRecord apply(SourceRecord record) {
    Schema schema = record.valueSchema();
    if (schema == null
        || !MESSAGE_VALUE_SCHEMA.equals(schema.name())
        || !(record.value() instanceof Struct value)) {
      return record;
    }
    Struct message = value.getStruct("message");
    if (message == null || !OutboxMessage.PREFIX.equals(message.getString("prefix"))) {
      return record;
    }
    OutboxMessage event = decode(message.get("content"));
    ConnectHeaders headers = new ConnectHeaders();
    headers.addString(OffloadHeaders.EVENT_ID, event.id().toString());
    headers.addString(OffloadHeaders.EVENT_TYPE, event.type());
    headers.addString(
        OffloadHeaders.OCCURRED_AT,
        // Rendered as Debezium renders the table path's timestamptz column (a ZonedDateTime padded
        // to the column's scale), so the two agree to the character.
        ZonedTimestamp.toIsoString(
            event.occurredAt().atZone(ZoneOffset.UTC), ZoneOffset.UTC, null, TIMESTAMPTZ_SCALE));
    headers.addString(OffloadHeaders.PRODUCER, event.producer());
    if (event.traceparent() != null) {
      headers.addString(OffloadHeaders.TRACEPARENT, event.traceparent());
    }
    return record.newRecord(
        Topics.events(event.type()),
        null,
        Schema.STRING_SCHEMA,
        event.key(),
        Schema.BYTES_SCHEMA,
        event.payload(),
        record.timestamp(),
        headers);
  }

  private static OutboxMessage decode(Object content) {
    byte[] body;
    if (content instanceof byte[] bytes) {
      body = bytes;
    } else if (content instanceof ByteBuffer buffer) {
      ByteBuffer view = buffer.duplicate();
      body = new byte[view.remaining()];
      view.get(body);
    } else {
      throw new DataException(
          "outbox message content is a "
              + (content == null ? "null" : content.getClass().getName())
              + ", expected bytes: is binary.handling.mode=bytes?");
    }
    try {
      return OutboxMessage.decode(body);
    } catch (IllegalArgumentException e) {
      throw new DataException("cannot read an outbox message: " + e.getMessage(), e);
    }
  }

  @Override
  public ConfigDef config() {
    return new ConfigDef();
  }

  @Override
  public void configure(Map<String, ?> configs) {
    // Nothing to configure: the prefix and the header names are Offload's contract.
  }

  @Override
  public void close() {
    // Holds no resources.
  }
}
