package dev.offload.producers.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Converts event data from JSON (a Jackson {@link JsonNode}) to the Avro value of a schema,
 * collecting every {@link Violation} instead of stopping at the first.
 *
 * <p>The JSON form is the one people write by hand, not Avro's JSON encoding:
 *
 * <ul>
 *   <li><b>record</b>: a JSON object. A member the schema does not know is rejected ({@code unknown
 *       field}), so a typo never silently drops data. A missing field takes its default; without
 *       one, a missing field whose type admits {@code null} is null (optional), any other is {@code
 *       missing required field}. An explicit JSON {@code null} is a value, not an absence.
 *   <li><b>union</b>: the bare value, never a {@code {"type": value}} wrapper. {@code null} matches
 *       a null branch; otherwise the first branch, in schema order, that accepts the value wins.
 *   <li><b>int, long</b>: whole JSON numbers ({@code 3}, {@code 3.0}, {@code 3e2}) within range;
 *       <b>float, double</b>: any JSON number within range; <b>boolean</b>, <b>null</b>, <b>string
 *       </b> as in JSON; <b>enum</b>: one of the symbols, as a string.
 *   <li><b>bytes, fixed</b>: standard base64 strings (RFC 4648, with padding).
 *   <li><b>array</b>: a JSON array; <b>map</b>: a JSON object.
 *   <li><b>timestamp-millis/-micros/-nanos</b>: an ISO-8601 date-time with offset ({@code
 *       2024-05-01T12:00:00.250Z}) or a number since the epoch in that unit; finer digits than the
 *       unit are dropped, as Avro's own conversions do. <b>local-timestamp-*</b>: the same without
 *       offset. <b>date</b>: {@code yyyy-MM-dd} or days since the epoch. <b>time-millis/-micros
 *       </b>: {@code HH:mm:ss[.fraction]} or units after midnight. <b>uuid</b>: the 36-character
 *       form (stored lower-case). <b>decimal</b>: a JSON number or numeric string with at most
 *       {@code scale} decimal places (never rounded) and {@code precision} digits.
 * </ul>
 *
 * <p>The result holds Avro's generic representation: {@code String} for strings, {@code ByteBuffer}
 * for bytes, and logical types in their underlying type (a {@code long} for a timestamp), as read
 * by {@code GenericData.get()}. Paths in violations are rooted at {@link #ROOT}: {@code
 * data.email}, {@code data.tags[2]}, {@code data.address.city}. Stateless and thread-safe.
 */
public final class JsonToAvro {
  /** Root of the paths in violations: the {@code data} member of a publish request. */
  public static final String ROOT = "data";

  /** Most violations listed; {@link ValidationException#truncated()} tells when there were more. */
  public static final int MAX_VIOLATIONS = 1000;

  private final Violations violations;

  private JsonToAvro(Violations violations) {
    this.violations = violations;
  }

  /**
   * The Avro record of {@code json} for record {@code schema}.
   *
   * @throws ValidationException listing every violation when {@code json} does not match
   * @throws IllegalArgumentException when {@code schema} is not a record schema
   */
  public static GenericRecord toRecord(JsonNode json, Schema schema) {
    if (schema.getType() != Schema.Type.RECORD) {
      throw new IllegalArgumentException("not a record schema: " + schema.getType());
    }
    return (GenericRecord) toAvro(json, schema);
  }

  /**
   * The Avro value of {@code json} for any {@code schema}, rooted at {@link #ROOT}.
   *
   * @throws ValidationException listing every violation when {@code json} does not match
   */
  public static Object toAvro(JsonNode json, Schema schema) {
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(schema, "schema");
    Violations violations = new Violations(MAX_VIOLATIONS);
    Object value = new JsonToAvro(violations).value(json, schema, ROOT);
    violations.throwIfAny();
    return value;
  }

  private Object value(JsonNode json, Schema schema, String path) {
    if (LogicalValues.handles(schema)) {
      return LogicalValues.convert(json, schema, path, violations);
    }
    return switch (schema.getType()) {
      case RECORD -> record(json, schema, path);
      case ARRAY -> array(json, schema, path);
      case MAP -> map(json, schema, path);
      case UNION -> union(json, schema, path);
      default -> Scalars.convert(json, schema, path, violations);
    };
  }

  private GenericRecord record(JsonNode json, Schema schema, String path) {
    if (!json.isObject()) {
      violations.expected(path, "object", json);
      return null;
    }
    GenericData.Record record = new GenericData.Record(schema);
    for (Schema.Field field : schema.getFields()) {
      JsonNode member = json.get(field.name());
      String fieldPath = Violations.member(path, field.name());
      Object value =
          member == null ? absent(field, fieldPath) : value(member, field.schema(), fieldPath);
      record.put(field.pos(), value);
    }
    for (Map.Entry<String, JsonNode> member : json.properties()) {
      if (schema.getField(member.getKey()) == null) {
        violations.add(Violations.member(path, member.getKey()), "unknown field");
      }
    }
    return record;
  }

  private Object absent(Schema.Field field, String path) {
    if (field.hasDefaultValue()) {
      return GenericData.get().getDefaultValue(field);
    }
    if (!isNullable(field.schema())) {
      violations.add(path, "missing required field");
    }
    return null;
  }

  private GenericData.Array<Object> array(JsonNode json, Schema schema, String path) {
    if (!json.isArray()) {
      violations.expected(path, "array", json);
      return null;
    }
    GenericData.Array<Object> array = new GenericData.Array<>(json.size(), schema);
    for (int i = 0; i < json.size(); i++) {
      array.add(value(json.get(i), schema.getElementType(), Violations.element(path, i)));
    }
    return array;
  }

  private Map<String, Object> map(JsonNode json, Schema schema, String path) {
    if (!json.isObject()) {
      violations.expected(path, "object", json);
      return null;
    }
    Map<String, Object> map = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : json.properties()) {
      String entryPath = Violations.member(path, entry.getKey());
      map.put(entry.getKey(), value(entry.getValue(), schema.getValueType(), entryPath));
    }
    return map;
  }

  private Object union(JsonNode json, Schema schema, String path) {
    if (json.isNull() && isNullable(schema)) {
      return null;
    }
    List<Schema> branches = new ArrayList<>();
    for (Schema branch : schema.getTypes()) {
      if (branch.getType() != Schema.Type.NULL) {
        branches.add(branch);
      }
    }
    if (branches.size() == 1) {
      return value(json, branches.get(0), path);
    }
    List<Schema> plausible = branches.stream().filter(b -> plausible(b, json)).toList();
    if (plausible.size() == 1) {
      // One branch of this JSON kind: its own messages say precisely what is wrong.
      return value(json, plausible.get(0), path);
    }
    for (Schema branch : plausible) {
      Violations trial = new Violations(1);
      Object value = new JsonToAvro(trial).value(json, branch, path);
      if (trial.isEmpty()) {
        return value;
      }
    }
    violations.expected(path, "one of " + names(schema), json);
    return null;
  }

  /** Whether {@code json} is of a JSON kind that {@code schema} may accept. */
  private static boolean plausible(Schema schema, JsonNode json) {
    boolean converted = LogicalValues.handles(schema);
    return switch (schema.getType()) {
      case RECORD, MAP -> json.isObject();
      case ARRAY -> json.isArray();
      case STRING, ENUM, BYTES, FIXED ->
          json.isTextual()
              || (schema.getLogicalType() instanceof LogicalTypes.Decimal && json.isNumber());
      case INT, LONG -> json.isNumber() || (converted && json.isTextual());
      case FLOAT, DOUBLE -> json.isNumber();
      case BOOLEAN -> json.isBoolean();
      case NULL -> json.isNull();
      case UNION -> false;
    };
  }

  private static boolean isNullable(Schema schema) {
    return switch (schema.getType()) {
      case NULL -> true;
      case UNION -> schema.getTypes().stream().anyMatch(b -> b.getType() == Schema.Type.NULL);
      default -> false;
    };
  }

  private static String names(Schema union) {
    return union.getTypes().stream()
        .map(JsonToAvro::name)
        .collect(Collectors.joining(", ", "[", "]"));
  }

  private static String name(Schema schema) {
    if (schema.getLogicalType() != null) {
      return schema.getLogicalType().getName();
    }
    return switch (schema.getType()) {
      case RECORD, ENUM, FIXED -> schema.getName();
      default -> schema.getType().getName();
    };
  }
}
