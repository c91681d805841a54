package dev.offload.ops.deadletter;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Renders record bytes for people: UTF-8 text when they are valid UTF-8 without control characters
 * (tab, newline and carriage return allowed), hex otherwise. No schema decoding is attempted.
 */
public final class Payloads {
  private Payloads() {}

  /** How {@link #decode} rendered the bytes. */
  public enum Encoding {
    /** Valid UTF-8, shown as text. */
    TEXT,
    /** Not UTF-8 (Avro, Protobuf, compressed…), shown as lower-case hex. */
    HEX,
    /** No bytes: a {@code null} key or value. */
    NULL
  }

  /**
   * Decoded bytes.
   *
   * @param encoding how they were rendered
   * @param text the rendering; {@code null} for {@link Encoding#NULL}
   */
  public record Decoded(Encoding encoding, String text) {}

  /** {@code bytes} as UTF-8 text if valid, else as hex. */
  public static Decoded decode(byte[] bytes) {
    if (bytes == null) {
      return new Decoded(Encoding.NULL, null);
    }
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      return isPrintable(text)
          ? new Decoded(Encoding.TEXT, text)
          : new Decoded(Encoding.HEX, HexFormat.of().formatHex(bytes));
    } catch (CharacterCodingException e) {
      return new Decoded(Encoding.HEX, HexFormat.of().formatHex(bytes));
    }
  }

  // Binary formats are often valid UTF-8 by accident; control characters give them away.
  private static boolean isPrintable(String text) {
    return text.codePoints()
        .allMatch(c -> c == '\t' || c == '\n' || c == '\r' || !Character.isISOControl(c));
  }
}
