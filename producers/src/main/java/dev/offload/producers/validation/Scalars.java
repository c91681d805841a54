package dev.offload.producers.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Base64;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

/** Converts JSON scalars to Avro primitives, enums and fixed values, with range checks. */
final class Scalars {
  /** More integer digits than any long has: stands for "out of range" without building it. */
  private static final int MAX_WHOLE_DIGITS = 20;

  private static final BigInteger HUGE = BigInteger.TWO.pow(100);

  private Scalars() {}

  /** The Avro value of {@code json} for a non-container {@code schema} without logical type. */
  static Object convert(JsonNode json, Schema schema, String path, Violations v) {
    return switch (schema.getType()) {
      case NULL -> nullValue(json, path, v);
      case BOOLEAN -> booleanValue(json, path, v);
      case INT -> intValue(json, path, v, "int");
      case LONG -> longValue(json, path, v, "long");
      case FLOAT -> floatValue(json, path, v);
      case DOUBLE -> doubleValue(json, path, v);
      case STRING -> string(json, path, v, "string");
      case BYTES -> bytes(json, path, v, "bytes as a base64 string");
      case FIXED -> fixed(json, schema, path, v);
      case ENUM -> enumSymbol(json, schema, path, v);
      default -> throw new IllegalArgumentException("not a scalar type: " + schema.getType());
    };
  }

  /**
   * The int value of a JSON number, or {@code null} after recording why not.
   *
   * @param label what was expected, as in {@code expected <label>, got string}
   */
  static Integer intValue(JsonNode json, String path, Violations v, String label) {
    BigInteger whole = whole(json, path, v, label);
    if (whole == null) {
      return null;
    }
    if (whole.bitLength() > Integer.SIZE - 1) {
      v.add(path, outOfRange("int", Integer.MIN_VALUE, Integer.MAX_VALUE));
      return null;
    }
    return whole.intValue();
  }

  /** The long value of a JSON number, or {@code null} after recording why not. */
  static Long longValue(JsonNode json, String path, Violations v, String label) {
    BigInteger whole = whole(json, path, v, label);
    if (whole == null) {
      return null;
    }
    if (whole.bitLength() > Long.SIZE - 1) {
      v.add(path, outOfRange("long", Long.MIN_VALUE, Long.MAX_VALUE));
      return null;
    }
    return whole.longValue();
  }

  /** The exact decimal value of a JSON number (doubles by their shortest decimal form). */
  static BigDecimal decimal(JsonNode number) {
    if (number.isDouble() || number.isFloat()) {
      return BigDecimal.valueOf(number.doubleValue());
    }
    return number.decimalValue();
  }

  /** The text of a JSON string, or {@code null} after recording {@code expected <label>}. */
  static String string(JsonNode json, String path, Violations v, String label) {
    if (!json.isTextual()) {
      v.expected(path, label, json);
      return null;
    }
    return json.textValue();
  }

  /** The bytes of a base64 JSON string, or {@code null} after recording why not. */
  static ByteBuffer bytes(JsonNode json, String path, Violations v, String label) {
    String text = string(json, path, v, label);
    if (text == null) {
      return null;
    }
    try {
      return ByteBuffer.wrap(Base64.getDecoder().decode(text));
    } catch (IllegalArgumentException e) {
      v.add(path, "not valid base64");
      return null;
    }
  }

  private static Object nullValue(JsonNode json, String path, Violations v) {
    if (!json.isNull()) {
      v.expected(path, "null", json);
    }
    return null;
  }

  private static Boolean booleanValue(JsonNode json, String path, Violations v) {
    if (!json.isBoolean()) {
      v.expected(path, "boolean", json);
      return null;
    }
    return json.booleanValue();
  }

  private static Float floatValue(JsonNode json, String path, Violations v) {
    if (!json.isNumber()) {
      v.expected(path, "float", json);
      return null;
    }
    float value = (float) json.doubleValue();
    if (Float.isInfinite(value)) {
      v.add(path, "number out of range for float (magnitude at most " + Float.MAX_VALUE + ")");
      return null;
    }
    return value;
  }

  private static Double doubleValue(JsonNode json, String path, Violations v) {
    if (!json.isNumber()) {
      v.expected(path, "double", json);
      return null;
    }
    double value = json.doubleValue();
    if (Double.isInfinite(value)) {
      v.add(path, "number out of range for double (magnitude at most " + Double.MAX_VALUE + ")");
      return null;
    }
    return value;
  }

  private static GenericData.Fixed fixed(JsonNode json, Schema schema, String path, Violations v) {
    int size = schema.getFixedSize();
    ByteBuffer bytes = bytes(json, path, v, "fixed(" + size + ") as a base64 string");
    if (bytes == null) {
      return null;
    }
    if (bytes.remaining() != size) {
      v.add(path, "expected " + size + " bytes, got " + bytes.remaining());
      return null;
    }
    return new GenericData.Fixed(schema, bytes.array());
  }

  private static GenericData.EnumSymbol enumSymbol(
      JsonNode json, Schema schema, String path, Violations v) {
    String symbols = schema.getEnumSymbols().toString();
    String text = string(json, path, v, "one of " + symbols);
    if (text == null) {
      return null;
    }
    if (!schema.hasEnumSymbol(text)) {
      v.add(path, "not one of " + symbols);
      return null;
    }
    return new GenericData.EnumSymbol(schema, text);
  }

  /** The whole number {@code json} holds; huge magnitudes come back as a stand-in of 2^100. */
  private static BigInteger whole(JsonNode json, String path, Violations v, String label) {
    if (!json.isNumber()) {
      v.expected(path, label, json);
      return null;
    }
    if (json.isIntegralNumber()) {
      return json.bigIntegerValue();
    }
    if ((json.isDouble() || json.isFloat()) && !Double.isFinite(json.doubleValue())) {
      v.add(path, "expected " + label + ", got a non-finite number");
      return null;
    }
    BigDecimal value = decimal(json).stripTrailingZeros();
    if (value.scale() > 0) {
      v.add(path, "expected " + label + ", got a number with a fraction");
      return null;
    }
    // 1e999999999 would take gigabytes as a BigInteger; it is out of range anyway.
    if (value.precision() - value.scale() > MAX_WHOLE_DIGITS) {
      return value.signum() < 0 ? HUGE.negate() : HUGE;
    }
    return value.toBigIntegerExact();
  }

  private static String outOfRange(String type, long min, long max) {
    return "number out of range for " + type + " (" + min + " to " + max + ")";
  }
}
