package dev.offload.consumers.testing;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/** A deserializer that rejects bytes that are not valid UTF-8, so tests can send poison. */
public final class StrictUtf8 implements Deserializer<String> {
  /** Bytes no UTF-8 decoder accepts. */
  public static final byte[] POISON = {(byte) 0xFF, (byte) 0xFE, 0x00, (byte) 0xC3};

  @Override
  public String deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(data))
          .toString();
    } catch (CharacterCodingException e) {
      throw new SerializationException("value is not UTF-8", e);
    }
  }
}
