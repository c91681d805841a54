package dev.offload.app.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** Formats a record for a person: position and time, key, headers and the decoded value. */
public final class RecordPrinter {
  private static final int MAX_HEX_BYTES = 64;

  private RecordPrinter() {}

  /** A few lines describing {@code record}. */
  public static String format(ConsumerRecord<byte[], byte[]> record) {
    StringBuilder sb = new StringBuilder();
    sb.append(record.topic())
        .append("  partition ")
        .append(record.partition())
        .append("  offset ")
        .append(record.offset())
        .append("  ")
        .append(Instant.ofEpochMilli(record.timestamp()))
        .append('\n');
    sb.append("  key      ").append(decode(record.key())).append('\n');
    sb.append("  headers ");
    for (Header header : record.headers()) {
      sb.append(' ').append(header.key()).append('=').append(decode(header.value()));
    }
    sb.append('\n');
    sb.append("  value    ").append(decode(record.value()));
    return sb.toString();
  }

  /** Text when the bytes are UTF-8 text, a description of Confluent-framed Avro, else hex. */
  public static String decode(byte[] bytes) {
    if (bytes == null) {
      return "null";
    }
    if (bytes.length >= 5 && bytes[0] == 0) {
      int schemaId = ByteBuffer.wrap(bytes, 1, 4).getInt();
      return "<avro, schema id " + schemaId + ", " + (bytes.length - 5) + " bytes>";
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      int shown = Math.min(bytes.length, MAX_HEX_BYTES);
      String hex = HexFormat.of().formatHex(bytes, 0, shown);
      return "0x" + hex + (shown < bytes.length ? "... (" + bytes.length + " bytes)" : "");
    }
  }
}
