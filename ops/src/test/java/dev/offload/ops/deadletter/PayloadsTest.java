package dev.offload.ops.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayloadsTest {
  @Test
  void validUtf8IsText() {
    Payloads.Decoded d = Payloads.decode("{\"name\":\"Zoë\"}\n".getBytes(StandardCharsets.UTF_8));
    assertThat(d.encoding()).isEqualTo(Payloads.Encoding.TEXT);
    assertThat(d.text()).isEqualTo("{\"name\":\"Zoë\"}\n");
  }

  @Test
  void invalidUtf8IsHex() {
    Payloads.Decoded d = Payloads.decode(new byte[] {(byte) 0xc3, (byte) 0x28, 0x01});
    assertThat(d.encoding()).isEqualTo(Payloads.Encoding.HEX);
    assertThat(d.text()).isEqualTo("c32801");
  }

  @Test
  void controlCharactersMakeHex() {
    // An Avro record: a zigzag length then the string bytes; valid UTF-8 but not text.
    Payloads.Decoded d = Payloads.decode(new byte[] {0x00, 0x06, 'a', 'b', 'c'});
    assertThat(d.encoding()).isEqualTo(Payloads.Encoding.HEX);
    assertThat(d.text()).isEqualTo("0006616263");
  }

  @Test
  void nullIsNull() {
    assertThat(Payloads.decode(null)).isEqualTo(new Payloads.Decoded(Payloads.Encoding.NULL, null));
  }
}
