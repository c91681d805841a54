package dev.offload.schemas.outbox;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How a publisher hands an event to the connector inside its transaction.
 *
 * <ul>
 *   <li>{@link #TABLE}: a row is inserted into {@link OutboxTable} and deleted again in the same
 *       transaction ({@link OutboxTable#INSERT}, {@link OutboxTable#DELETE}); the table stays empty
 *       while the write-ahead log carries the row to the connector.
 *   <li>{@link #MESSAGE}: no table at all; the event is emitted as a transactional logical decoding
 *       message ({@link OutboxMessage#EMIT}), which PostgreSQL writes to the log at commit and
 *       discards on rollback.
 * </ul>
 *
 * <p>Both reach Kafka as the same record: same topic, key, value and headers. The connector
 * captures both at once, so publishers can switch mode without a connector change.
 */
public enum OutboxMode {
  /** Insert and delete a row of {@code offload_outbox}; the default. */
  TABLE,
  /** Emit a logical decoding message with prefix {@value OutboxMessage#PREFIX}. */
  MESSAGE;

  /**
   * The mode named {@code text}, as configuration writes it: {@code table} or {@code message},
   * case-insensitive.
   *
   * @throws IllegalArgumentException naming the accepted values otherwise
   */
  public static OutboxMode parse(String text) {
    if (text != null) {
      for (OutboxMode mode : values()) {
        if (mode.name().equalsIgnoreCase(text.trim())) {
          return mode;
        }
      }
    }
    throw new IllegalArgumentException(
        "outbox mode must be 'table' or 'message', was: "
            + (text == null ? "null" : "'" + text + "'"));
  }

  /**
   * The mode a configuration file's {@code outbox.mode} names, as {@link #parse} reads it.
   *
   * @throws IllegalArgumentException naming {@code outbox.mode} and the accepted values
   */
  @JsonCreator
  static OutboxMode fromFile(String text) {
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      // not chained: Jackson reports a creator's root cause, which would lose the key's name
      throw new IllegalArgumentException("outbox.mode: " + e.getMessage());
    }
  }

  /** The name configuration uses: {@code table} or {@code message}. */
  @JsonValue
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
