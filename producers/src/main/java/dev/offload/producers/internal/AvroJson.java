package dev.offload.producers.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.temporal.TemporalAccessor;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;

/**
 * Renders an Avro value, generic or generated, as the JSON a client of the ingest API would send
 * for it, so that {@code JsonToAvro} can check it against the registered schema exactly as it
 * checks a request's {@code data}.
 *
 * <p>Bytes and fixed become base64, enums their symbol, unions the bare value, logical types their
 * ISO-8601 text when they hold a {@code java.time} value (generated classes with conversions) or
 * their underlying number otherwise. A value that does not fit its schema (a {@code null} in a
 * required field) is rendered as it is, so the check names the field.
 */
public final class AvroJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  private AvroJson() {}

  /** The JSON of {@code record}. */
  public static JsonNode render(IndexedRecord record) {
    return value(record, record.getSchema());
  }

  private static JsonNode value(Object value, Schema schema) {
    if (value == null) {
      return NODES.nullNode();
    }
    if (value instanceof TemporalAccessor || value instanceof UUID) {
      return NODES.textNode(value.toString());
    }
    if (value instanceof BigDecimal decimal) {
      return NODES.numberNode(decimal);
    }
    return switch (schema.getType()) {
      case RECORD -> value instanceof IndexedRecord r ? record(r) : scalar(value);
      case ARRAY -> value instanceof Iterable<?> items ? array(items, schema) : scalar(value);
      case MAP -> value instanceof Map<?, ?> map ? map(map, schema) : scalar(value);
      case UNION -> union(value, schema);
      case BYTES -> bytes(value, schema);
      case FIXED -> value instanceof GenericFixed f ? base64(f.bytes()) : scalar(value);
      default -> scalar(value);
    };
  }

  private static ObjectNode record(IndexedRecord record) {
    ObjectNode object = NODES.objectNode();
    for (Schema.Field field : record.getSchema().getFields()) {
      object.set(field.name(), value(record.get(field.pos()), field.schema()));
    }
    return object;
  }

  private static ArrayNode array(Iterable<?> items, Schema schema) {
    ArrayNode array = NODES.arrayNode();
    items.forEach(item -> array.add(value(item, schema.getElementType())));
    return array;
  }

  private static ObjectNode map(Map<?, ?> map, Schema schema) {
    ObjectNode object = NODES.objectNode();
    map.forEach((k, v) -> object.set(String.valueOf(k), value(v, schema.getValueType())));
    return object;
  }

  private static JsonNode union(Object value, Schema schema) {
    int branch;
    try {
      branch = GenericData.get().resolveUnion(schema, value);
    } catch (RuntimeException e) {
      return scalar(value);
    }
    return value(value, schema.getTypes().get(branch));
  }

  private static JsonNode bytes(Object value, Schema schema) {
    if (!(value instanceof ByteBuffer buffer)) {
      return scalar(value);
    }
    if (schema.getLogicalType() instanceof LogicalTypes.Decimal decimal) {
      BigDecimal number =
          new Conversions.DecimalConversion().fromBytes(buffer.duplicate(), schema, decimal);
      return NODES.numberNode(number);
    }
    ByteBuffer view = buffer.duplicate();
    byte[] copy = new byte[view.remaining()];
    view.get(copy);
    return base64(copy);
  }

  private static JsonNode base64(byte[] bytes) {
    return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
  }

  private static JsonNode scalar(Object value) {
    if (value instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (value instanceof Integer i) {
      return NODES.numberNode(i);
    }
    if (value instanceof Long l) {
      return NODES.numberNode(l);
    }
    if (value instanceof Float f) {
      return NODES.numberNode(new BigDecimal(Float.toString(f)));
    }
    if (value instanceof Double d) {
      return Double.isFinite(d) ? NODES.numberNode(BigDecimal.valueOf(d)) : NODES.textNode("" + d);
    }
    if (value instanceof CharSequence || value instanceof GenericEnumSymbol<?>) {
      return NODES.textNode(value.toString());
    }
    if (value instanceof Enum<?> e) {
      return NODES.textNode(e.name());
    }
    return NODES.pojoNode(value);
  }
}
