package dev.offload.schemas.serde;

import static dev.offload.schemas.TestSchemas.fixedId;
import static dev.offload.schemas.TestSchemas.schema;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/**
 * The bytes on the wire, built by hand from the public description of the Confluent wire format
 * (magic byte 0, schema id as 4-byte big-endian int, Avro binary) and of Avro's binary encoding
 * (strings: zig-zag varint length then UTF-8; longs: zig-zag varint), not by the code under test.
 */
class WireFormatTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final Schema TINY =
      schema(
          "{'type':'record','name':'Tiny','namespace':'test','fields':["
              + "{'name':'s','type':'string'},{'name':'n','type':'long'}]}");

  @Test
  void writesMagicByteBigEndianIdThenAvroBinary() {
    byte[] bytes = new AvroSerializer<>(fixedId(42, TINY)).serialize("t", tiny("ab", 3));

    // 00 | 00 00 00 2A (42) | 04 (length 2) 61 62 ("ab") | 06 (3 zig-zagged)
    assertThat(HEX.formatHex(bytes)).isEqualTo("000000002a04616206");
  }

  @Test
  void writesTheIdMostSignificantByteFirst() {
    byte[] bytes = new AvroSerializer<>(fixedId(0x01020304, TINY)).serialize("t", tiny("", 0));

    // 00 | 01 02 03 04 | 00 (empty string) | 00 (0)
    assertThat(HEX.formatHex(bytes)).isEqualTo("00010203040000");
  }

  @Test
  void encodesMultiByteVarintsNegativeLongsAndUtf8() {
    byte[] big = new AvroSerializer<>(fixedId(1, TINY)).serialize("t", tiny("é", 300));
    byte[] negative = new AvroSerializer<>(fixedId(1, TINY)).serialize("t", tiny("a", -1));

    // "é" is C3 A9 in UTF-8, length 2 -> 04; 300 -> zig-zag 600 = 0x258 -> varint D8 04
    assertThat(HEX.formatHex(big)).isEqualTo("000000000104c3a9d804");
    // -1 -> zig-zag 1
    assertThat(HEX.formatHex(negative)).isEqualTo("00000000010261" + "01");
  }

  @Test
  void readsHandBuiltBytes() {
    AvroDeserializer<GenericRecord> deserializer = AvroDeserializer.generic(fixedId(42, TINY));

    GenericRecord record = deserializer.deserialize("t", HEX.parseHex("000000002a04616206"));

    assertThat(record.get("s")).hasToString("ab");
    assertThat(record.get("n")).isEqualTo(3L);
  }

  @Test
  void headerHelpersMatchTheFormat() {
    assertThat(HEX.formatHex(WireFormat.header(42))).isEqualTo("000000002a");
    assertThat(WireFormat.schemaId(HEX.parseHex("000000002a04616206"))).isEqualTo(42);
    assertThat(WireFormat.hasHeader(HEX.parseHex("0100000001"))).isFalse();
    assertThat(WireFormat.hasHeader(HEX.parseHex("00000000"))).isFalse();
    assertThatThrownBy(() -> WireFormat.schemaId(new byte[] {7}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static GenericRecord tiny(String s, long n) {
    GenericData.Record record = new GenericData.Record(TINY);
    record.put("s", s);
    record.put("n", n);
    return record;
  }
}
