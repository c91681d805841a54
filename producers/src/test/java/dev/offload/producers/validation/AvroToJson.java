package dev.offload.producers.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;

/**
 * Renders a generic Avro value as the JSON a client would send, choosing at random among the forms
 * JsonToAvro accepts: ISO-8601 text or numbers for temporal values, numbers or strings for
 * decimals, omitted fields where the default gives the same value.
 */
final class AvroToJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  private final Random random;

  AvroToJson(long seed) {
    this.random = new Random(seed);
  }

  JsonNode render(Object value, Schema schema) {
    LogicalType logical = schema.getLogicalType();
    if (logical != null && value != null) {
      return logical(value, schema, logical);
    }
    return switch (schema.getType()) {
      case NULL -> NODES.nullNode();
      case BOOLEAN -> NODES.booleanNode((Boolean) value);
      case INT -> NODES.numberNode((Integer) value);
      case LONG -> NODES.numberNode((Long) value);
      case FLOAT -> NODES.numberNode((double) (Float) value);
      case DOUBLE -> NODES.numberNode((Double) value);
      case STRING, ENUM -> NODES.textNode(value.toString());
      case BYTES -> NODES.textNode(base64(((ByteBuffer) value).duplicate()));
      case FIXED -> NODES.textNode(base64(ByteBuffer.wrap(((GenericFixed) value).bytes())));
      case ARRAY -> array((Iterable<?>) value, schema.getElementType());
      case MAP -> map((Map<?, ?>) value, schema.getValueType());
      case UNION ->
          render(value, schema.getTypes().get(GenericData.get().resolveUnion(schema, value)));
      case RECORD -> record((GenericRecord) value);
    };
  }

  private JsonNode logical(Object value, Schema schema, LogicalType logical) {
    boolean asText = random.nextBoolean();
    return switch (logical.getName()) {
      case "timestamp-millis" ->
          asText ? text(Instant.ofEpochMilli((Long) value)) : NODES.numberNode((Long) value);
      case "timestamp-micros" ->
          asText ? text(micros((Long) value)) : NODES.numberNode((Long) value);
      case "date" ->
          asText ? text(LocalDate.ofEpochDay((Integer) value)) : NODES.numberNode((Integer) value);
      case "time-millis" ->
          asText
              ? text(LocalTime.ofNanoOfDay((Integer) value * 1_000_000L))
              : NODES.numberNode((Integer) value);
      case "uuid" -> NODES.textNode(value.toString());
      case "decimal" -> decimal((ByteBuffer) value, schema, (LogicalTypes.Decimal) logical, asText);
      default -> throw new IllegalArgumentException("cannot render " + logical.getName());
    };
  }

  private JsonNode decimal(
      ByteBuffer bytes, Schema schema, LogicalTypes.Decimal type, boolean asText) {
    BigDecimal value =
        new Conversions.DecimalConversion().fromBytes(bytes.duplicate(), schema, type);
    return asText ? NODES.textNode(value.toPlainString()) : NODES.numberNode(value);
  }

  private ObjectNode record(GenericRecord record) {
    ObjectNode object = NODES.objectNode();
    for (Schema.Field field : record.getSchema().getFields()) {
      Object value = record.get(field.pos());
      if (field.hasDefaultValue()
          && Objects.equals(value, GenericData.get().getDefaultValue(field))
          && random.nextBoolean()) {
        continue;
      }
      object.set(field.name(), render(value, field.schema()));
    }
    return object;
  }

  private ArrayNode array(Iterable<?> values, Schema elements) {
    ArrayNode array = NODES.arrayNode();
    values.forEach(value -> array.add(render(value, elements)));
    return array;
  }

  private ObjectNode map(Map<?, ?> values, Schema valueSchema) {
    ObjectNode object = NODES.objectNode();
    values.forEach((key, value) -> object.set(key.toString(), render(value, valueSchema)));
    return object;
  }

  private static Instant micros(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }

  private static JsonNode text(Object temporal) {
    return NODES.textNode(temporal.toString());
  }

  private static String base64(ByteBuffer bytes) {
    byte[] copy = new byte[bytes.remaining()];
    bytes.get(copy);
    return Base64.getEncoder().encodeToString(copy);
  }
}
