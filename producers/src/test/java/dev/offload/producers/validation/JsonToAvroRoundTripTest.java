package dev.offload.producers.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties over many random records of a schema that uses every supported type, each case
 * reproducible by its seed: a record rendered as a client's JSON converts back to itself, down to
 * its Avro binary encoding; arbitrarily damaged JSON yields violations, never another exception.
 */
class JsonToAvroRoundTripTest {
  private static final Schema SINK = kitchenSink();
  private static final int CASES = 500;

  static LongStream seeds() {
    return LongStream.range(0, CASES).map(i -> 0x5eedL * 31 + i);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void recordRenderedAsJsonConvertsBackToItself(long seed) throws IOException {
    GenericRecord record = (GenericRecord) new RandomValues(seed).value(SINK);
    String json = Fixture.JSON.writeValueAsString(new AvroToJson(seed).render(record, SINK));

    GenericRecord converted = JsonToAvro.toRecord(Fixture.JSON.readTree(json), SINK);

    assertThat(converted).as(json).isEqualTo(record);
    assertThat(binary(converted)).isEqualTo(binary(record));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void damagedJsonYieldsOnlyViolationsRootedAtData(long seed) throws IOException {
    GenericRecord record = (GenericRecord) new RandomValues(seed).value(SINK);
    ObjectNode json = (ObjectNode) new AvroToJson(seed).render(record, SINK);
    Random random = new Random(seed);
    List<String> names = SINK.getFields().stream().map(Schema.Field::name).toList();
    for (int i = 0; i < 3; i++) {
      String name = random.nextInt(5) == 0 ? "extra" + i : names.get(random.nextInt(names.size()));
      json.set(name, randomJson(random, 2));
    }
    JsonNode reparsed = Fixture.JSON.readTree(Fixture.JSON.writeValueAsString(json));

    assertThatCode(() -> convertOrCheckViolations(reparsed)).doesNotThrowAnyException();
  }

  private static void convertOrCheckViolations(JsonNode json) {
    try {
      JsonToAvro.toRecord(json, SINK);
    } catch (ValidationException e) {
      assertThat(e.violations())
          .isNotEmpty()
          .allSatisfy(
              v -> {
                assertThat(v.field()).startsWith("data.");
                assertThat(v.message()).isNotBlank();
              });
    }
  }

  private static JsonNode randomJson(Random random, int depth) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    int kind = random.nextInt(depth > 0 ? 9 : 7);
    return switch (kind) {
      case 0 -> nodes.nullNode();
      case 1 -> nodes.booleanNode(random.nextBoolean());
      case 2 -> nodes.numberNode(random.nextLong());
      case 3 -> nodes.numberNode(random.nextGaussian() * Math.pow(10, random.nextInt(80) - 40));
      case 4 -> nodes.textNode(Long.toString(random.nextLong(), 36));
      case 5 -> nodes.textNode("2024-05-01T12:00:00Z");
      case 6 -> nodes.numberNode(new java.math.BigDecimal("1e" + (random.nextInt(800) - 400)));
      case 7 -> nodes.arrayNode().add(randomJson(random, depth - 1)).add(randomJson(random, 0));
      default -> nodes.objectNode().set("city", randomJson(random, depth - 1));
    };
  }

  /** The Avro binary encoding, as the Confluent-framed serializer writes it after the header. */
  private static byte[] binary(GenericRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(SINK, GenericData.get()).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static Schema kitchenSink() {
    try (InputStream in =
        JsonToAvroRoundTripTest.class.getResourceAsStream("/schemas/kitchen-sink.avsc")) {
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
