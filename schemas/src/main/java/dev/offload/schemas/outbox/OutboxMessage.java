package dev.offload.schemas.outbox;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * One event as the table-less outbox ({@link OutboxMode#MESSAGE}) carries it: the body of a
 * transactional logical decoding message with prefix {@value #PREFIX}, holding what a row of {@link
 * OutboxTable} holds.
 *
 * <p>The encoding is compact binary, in this order:
 *
 * <pre>
 * version      1 byte, {@value #VERSION}
 * id           16 bytes, the UUID's most then least significant long, big-endian
 * occurred_at  8 bytes, microseconds since the epoch, big-endian (PostgreSQL's precision)
 * type         string
 * key          string
 * producer     string
 * traceparent  string, or absent
 * payload      every remaining byte: the record value exactly as the table path's payload column
 * </pre>
 *
 * A string is an unsigned LEB128 varint of its UTF-8 length plus one ({@code 0} means absent),
 * followed by the bytes. A reader refuses a version it does not know, so a newer writer never has
 * its events misread.
 *
 * @param id the event id, becomes the {@code offload-event-id} header
 * @param type the event type, chooses the topic {@code offload.events.<type>}
 * @param key the aggregate id, becomes the record key
 * @param occurredAt when the event happened; kept to the microsecond
 * @param producer the publishing application, becomes the {@code offload-producer} header
 * @param traceparent the W3C trace context, may be {@code null}
 * @param payload the record value, byte for byte
 */
public record OutboxMessage(
    UUID id,
    String type,
    String key,
    Instant occurredAt,
    String producer,
    String traceparent,
    byte[] payload) {

  /** The logical decoding message prefix the connector captures. */
  public static final String PREFIX = "offload";

  /** The encoding version this class writes. */
  public static final byte VERSION = 1;

  /**
   * The statement a publisher runs in its transaction, with one parameter: the {@link #encode()}d
   * message. Transactional: written to the log at commit, discarded on rollback.
   */
  public static final String EMIT =
      "SELECT pg_logical_emit_message(true, '" + PREFIX + "', ?::bytea)";

  private static final int FIXED = 1 + 16 + 8;

  /** Checks the required components and truncates {@code occurredAt} to microseconds. */
  public OutboxMessage {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(producer, "producer");
    Objects.requireNonNull(payload, "payload");
    occurredAt = occurredAt.truncatedTo(ChronoUnit.MICROS);
  }

  /** The message body, as {@link #decode} reads it. */
  public byte[] encode() {
    byte[] typeBytes = utf8(type);
    byte[] keyBytes = utf8(key);
    byte[] producerBytes = utf8(producer);
    byte[] traceBytes = traceparent == null ? null : utf8(traceparent);
    int size =
        FIXED
            + sized(typeBytes)
            + sized(keyBytes)
            + sized(producerBytes)
            + sized(traceBytes)
            + payload.length;
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put(VERSION);
    out.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
    out.putLong(micros(occurredAt));
    putString(out, typeBytes);
    putString(out, keyBytes);
    putString(out, producerBytes);
    putString(out, traceBytes);
    out.put(payload);
    return out.array();
  }

  /**
   * Reads a message body that {@link #encode()} wrote.
   *
   * @throws IllegalArgumentException when the version is unknown or the body is cut short or
   *     malformed
   */
  public static OutboxMessage decode(byte[] body) {
    Objects.requireNonNull(body, "body");
    ByteBuffer in = ByteBuffer.wrap(body);
    try {
      byte version = in.get();
      if (version != VERSION) {
        throw new IllegalArgumentException(
            "unsupported outbox message version "
                + version
                + " (this reader knows "
                + VERSION
                + "): upgrade the connector");
      }
      UUID id = new UUID(in.getLong(), in.getLong());
      long micros = in.getLong();
      Instant occurredAt =
          Instant.ofEpochSecond(
              Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
      String type = required(getString(in), "type");
      String key = required(getString(in), "key");
      String producer = required(getString(in), "producer");
      String traceparent = getString(in);
      byte[] payload = new byte[in.remaining()];
      in.get(payload);
      return new OutboxMessage(id, type, key, occurredAt, producer, traceparent, payload);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException(
          "outbox message of " + body.length + " bytes is cut short", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OutboxMessage m
        && id.equals(m.id)
        && type.equals(m.type)
        && key.equals(m.key)
        && occurredAt.equals(m.occurredAt)
        && producer.equals(m.producer)
        && Objects.equals(traceparent, m.traceparent)
        && Arrays.equals(payload, m.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, type, key, occurredAt, producer, traceparent)
        + 31 * Arrays.hashCode(payload);
  }

  /** Every component but the payload's content, which is shown by its size. */
  @Override
  public String toString() {
    return "OutboxMessage[id="
        + id
        + ", type="
        + type
        + ", key="
        + key
        + ", occurredAt="
        + occurredAt
        + ", producer="
        + producer
        + ", traceparent="
        + traceparent
        + ", payload="
        + payload.length
        + " bytes]";
  }

  private static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000L);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static int sized(byte[] bytes) {
    int n = bytes == null ? 0 : bytes.length + 1;
    int varint = 1;
    while ((n >>>= 7) != 0) {
      varint++;
    }
    return varint + (bytes == null ? 0 : bytes.length);
  }

  private static void putString(ByteBuffer out, byte[] bytes) {
    int n = bytes == null ? 0 : bytes.length + 1;
    while ((n & ~0x7F) != 0) {
      out.put((byte) ((n & 0x7F) | 0x80));
      n >>>= 7;
    }
    out.put((byte) n);
    if (bytes != null) {
      out.put(bytes);
    }
  }

  private static String getString(ByteBuffer in) {
    int n = 0;
    for (int shift = 0; ; shift += 7) {
      if (shift > 28) {
        throw new IllegalArgumentException("outbox message has a malformed length");
      }
      byte b = in.get();
      n |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
    }
    if (n == 0) {
      return null;
    }
    int length = n - 1;
    if (length < 0 || length > in.remaining()) {
      throw new IllegalArgumentException("outbox message is cut short: a string runs past its end");
    }
    byte[] bytes = new byte[length];
    in.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static String required(String value, String field) {
    if (value == null) {
      throw new IllegalArgumentException("outbox message has no " + field);
    }
    return value;
  }
}
