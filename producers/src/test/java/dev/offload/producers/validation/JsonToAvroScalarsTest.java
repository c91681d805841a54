package dev.offload.producers.validation;

import static dev.offload.producers.validation.Fixture.valueOf;
import static dev.offload.producers.validation.Fixture.violationOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Primitives, enums, bytes and fixed: kinds, ranges and messages. */
class JsonToAvroScalarsTest {

  @ParameterizedTest(name = "{0} from {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "\"string\"  | 7          | expected string, got number",
        "\"string\"  | {}         | expected string, got object",
        "\"boolean\" | \"true\"   | expected boolean, got string",
        "\"int\"     | \"1\"      | expected int, got string",
        "\"long\"    | [1]        | expected long, got array",
        "\"float\"   | true       | expected float, got boolean",
        "\"double\"  | null       | expected double, got null",
        "\"bytes\"   | 1          | expected bytes as a base64 string, got number",
      })
  void wrongJsonKindIsNamed(String type, String value, String message) {
    assertThat(violationOf(type, value)).isEqualTo(new Violation("data.v", message));
  }

  @Test
  void primitivesKeepTheirValues() {
    assertThat(valueOf("\"string\"", "\"é😀\"")).isEqualTo("é😀");
    assertThat(valueOf("\"boolean\"", "true")).isEqualTo(true);
    assertThat(valueOf("\"int\"", "-2147483648")).isEqualTo(Integer.MIN_VALUE);
    assertThat(valueOf("\"long\"", "9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    assertThat(valueOf("\"float\"", "1.5")).isEqualTo(1.5f);
    assertThat(valueOf("\"double\"", "-2.5e-3")).isEqualTo(-0.0025);
  }

  @Test
  void wholeNumbersWrittenWithFractionOrExponentAreIntegers() {
    assertThat(valueOf("\"int\"", "3.0")).isEqualTo(3);
    assertThat(valueOf("\"long\"", "1e3")).isEqualTo(1000L);
    assertThat(valueOf("\"float\"", "2")).isEqualTo(2.0f);
  }

  @Test
  void numbersWithAFractionAreNotIntegers() {
    assertThat(violationOf("\"int\"", "1.5"))
        .isEqualTo(new Violation("data.v", "expected int, got a number with a fraction"));
    assertThat(violationOf("\"long\"", "1e-1"))
        .isEqualTo(new Violation("data.v", "expected long, got a number with a fraction"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "\"int\"    | 2147483648           | int (-2147483648 to 2147483647)",
        "\"int\"    | -2147483649          | int (-2147483648 to 2147483647)",
        "\"int\"    | 1e10                 | int (-2147483648 to 2147483647)",
        "\"long\"   | 9223372036854775808  | long (-9223372036854775808 to 9223372036854775807)",
        "\"long\"   | -1e999999999         | long (-9223372036854775808 to 9223372036854775807)",
        "\"float\"  | 3.5e38               | float (magnitude at most 3.4028235E38)",
        "\"double\" | -1e309               | double (magnitude at most 1.7976931348623157E308)",
      })
  void numbersOutOfRangeAreRejected(String type, String value, String range) {
    assertThat(violationOf(type, value))
        .isEqualTo(new Violation("data.v", "number out of range for " + range));
  }

  @Test
  void enumAcceptsOnlyItsSymbols() {
    String plan = "{\"type\":\"enum\",\"name\":\"Plan\",\"symbols\":[\"FREE\",\"PRO\"]}";

    assertThat(valueOf(plan, "\"PRO\""))
        .isInstanceOf(GenericData.EnumSymbol.class)
        .hasToString("PRO");
    assertThat(violationOf(plan, "\"pro\""))
        .isEqualTo(new Violation("data.v", "not one of [FREE, PRO]"));
    assertThat(violationOf(plan, "1"))
        .isEqualTo(new Violation("data.v", "expected one of [FREE, PRO], got number"));
  }

  @Test
  void bytesAreBase64() {
    assertThat(valueOf("\"bytes\"", "\"aGk=\""))
        .isEqualTo(ByteBuffer.wrap("hi".getBytes(StandardCharsets.US_ASCII)));
    assertThat(valueOf("\"bytes\"", "\"\"")).isEqualTo(ByteBuffer.allocate(0));
    assertThat(violationOf("\"bytes\"", "\"not base64!\""))
        .isEqualTo(new Violation("data.v", "not valid base64"));
  }

  @Test
  void fixedIsBase64OfExactlyItsSize() {
    String md5 = "{\"type\":\"fixed\",\"name\":\"Md5\",\"size\":4}";
    Schema schema = new Schema.Parser().parse(md5);

    assertThat(valueOf(md5, "\"AQIDBA==\""))
        .isEqualTo(new GenericData.Fixed(schema, new byte[] {1, 2, 3, 4}));
    assertThat(violationOf(md5, "\"AQID\""))
        .isEqualTo(new Violation("data.v", "expected 4 bytes, got 3"));
    assertThat(violationOf(md5, "4"))
        .isEqualTo(new Violation("data.v", "expected fixed(4) as a base64 string, got number"));
  }

  @Test
  void doublesParsedByAPlainMapperAreAcceptedToo() {
    Schema schema = Fixture.record(Fixture.field("v", "\"int\""));

    Object value =
        JsonToAvro.toRecord(
                new com.fasterxml.jackson.databind.ObjectMapper()
                    .valueToTree(java.util.Map.of("v", 4.0)),
                schema)
            .get("v");

    assertThat(value).isEqualTo(4);
  }
}
