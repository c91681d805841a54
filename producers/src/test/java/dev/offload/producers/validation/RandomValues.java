package dev.offload.producers.validation;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

/**
 * Random Avro values of a schema, in the generic representation JsonToAvro produces, from a seed: a
 * failing case is reproduced by its seed. Temporal values stay within years 1 to 9999.
 */
final class RandomValues {
  private static final String ALPHABET = "abcXYZ019 -_\"\\/\n\té€😀";
  private static final long MIN_MILLIS = -62_135_596_800_000L; // 0001-01-01T00:00:00Z
  private static final long MAX_MILLIS = 253_402_300_799_999L; // 9999-12-31T23:59:59.999Z

  private final Random random;

  RandomValues(long seed) {
    this.random = new Random(seed);
  }

  Object value(Schema schema) {
    LogicalType logical = schema.getLogicalType();
    if (logical != null) {
      return logical(schema, logical);
    }
    return switch (schema.getType()) {
      case NULL -> null;
      case BOOLEAN -> random.nextBoolean();
      case INT -> random.nextInt();
      case LONG -> random.nextLong();
      case FLOAT -> randomFloat();
      case DOUBLE -> randomDouble();
      case STRING -> text(8);
      case BYTES -> ByteBuffer.wrap(bytes(random.nextInt(9)));
      case FIXED -> new GenericData.Fixed(schema, bytes(schema.getFixedSize()));
      case ENUM -> new GenericData.EnumSymbol(schema, pick(schema.getEnumSymbols().toArray()));
      case ARRAY -> array(schema);
      case MAP -> map(schema);
      case UNION -> value(schema.getTypes().get(random.nextInt(schema.getTypes().size())));
      case RECORD -> record(schema);
    };
  }

  private Object logical(Schema schema, LogicalType logical) {
    return switch (logical.getName()) {
      case "timestamp-millis" -> random.nextLong(MIN_MILLIS, MAX_MILLIS + 1);
      case "timestamp-micros" -> random.nextLong(MIN_MILLIS * 1000, MAX_MILLIS * 1000 + 1000);
      case "date" -> random.nextInt(-719_162, 2_932_897);
      case "time-millis" -> random.nextInt(86_400_000);
      case "uuid" -> new UUID(random.nextLong(), random.nextLong()).toString();
      case "decimal" -> decimal(schema, (LogicalTypes.Decimal) logical);
      default -> throw new IllegalArgumentException("no generator for " + logical.getName());
    };
  }

  private ByteBuffer decimal(Schema schema, LogicalTypes.Decimal type) {
    BigInteger bound = BigInteger.TEN.pow(type.getPrecision());
    BigInteger unscaled = new BigInteger(bound.bitLength() + 8, random).mod(bound);
    BigDecimal value =
        new BigDecimal(random.nextBoolean() ? unscaled : unscaled.negate(), type.getScale());
    return new Conversions.DecimalConversion().toBytes(value, schema, type);
  }

  private float randomFloat() {
    float value;
    do {
      value = Float.intBitsToFloat(random.nextInt());
      // JSON has no NaN or infinities, and -0.0 reads back as 0.0 (decimal numbers have no sign).
    } while (!Float.isFinite(value) || Float.floatToIntBits(value) == Float.floatToIntBits(-0f));
    return value;
  }

  private double randomDouble() {
    double value;
    do {
      value = Double.longBitsToDouble(random.nextLong());
    } while (!Double.isFinite(value)
        || Double.doubleToLongBits(value) == Double.doubleToLongBits(-0d));
    return value;
  }

  private GenericData.Array<Object> array(Schema schema) {
    int size = random.nextInt(4);
    GenericData.Array<Object> array = new GenericData.Array<>(size, schema);
    for (int i = 0; i < size; i++) {
      array.add(value(schema.getElementType()));
    }
    return array;
  }

  private Map<String, Object> map(Schema schema) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = random.nextInt(4); i > 0; i--) {
      map.put(text(6), value(schema.getValueType()));
    }
    return map;
  }

  private GenericData.Record record(Schema schema) {
    GenericData.Record record = new GenericData.Record(schema);
    schema.getFields().forEach(f -> record.put(f.pos(), value(f.schema())));
    return record;
  }

  private String text(int maxLength) {
    StringBuilder text = new StringBuilder();
    int[] codePoints = ALPHABET.codePoints().toArray();
    for (int i = random.nextInt(maxLength + 1); i > 0; i--) {
      text.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
    }
    return text.toString();
  }

  private byte[] bytes(int size) {
    byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    return bytes;
  }

  private Object pick(Object[] choices) {
    return choices[random.nextInt(choices.length)];
  }
}
