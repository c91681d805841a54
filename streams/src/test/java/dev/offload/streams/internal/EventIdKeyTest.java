package dev.offload.streams.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

class EventIdKeyTest {
  private static Bytes key(String id) {
    return EventIdKey.of(id.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aCanonicalUuidBecomesATagByteAndItsSixteenBytes() {
    UUID uuid = UUID.randomUUID();

    byte[] key = key(uuid.toString()).get();

    assertThat(key).hasSize(17);
    ByteBuffer bits = ByteBuffer.wrap(key, 1, 16);
    assertThat(new UUID(bits.getLong(), bits.getLong())).isEqualTo(uuid);
    assertThat(key(uuid.toString().toUpperCase())).isEqualTo(key(uuid.toString()));
    assertThat(key("\t" + uuid + " ")).isEqualTo(key(uuid.toString()));
  }

  @Test
  void otherIdsKeepTheirBytesAndNeverCollideWithAUuid() {
    String almost = "0b5e9c1e-3f4a-4c1b-9d2e-7a6b5c4d3e2g";
    // A text id whose 16 bytes are the bits of this UUID.
    String tricky = "0123456789abcdef";
    Bytes uuidKey = key("30313233-3435-3637-3839-616263646566");

    assertThat(key("id-42").get()).hasSize(6);
    assertThat(key(almost).get()).hasSize(37);
    assertThat(key(tricky)).isNotEqualTo(uuidKey);
    assertThat(key("e1")).isNotEqualTo(key("e2")).isEqualTo(key(" e1 "));
  }

  @Test
  void aMissingOrBlankIdHasNoKey() {
    assertThat(EventIdKey.of(null)).isNull();
    assertThat(key("")).isNull();
    assertThat(key("  \t")).isNull();
  }
}
