package dev.offload.connectors.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

/**
 * Converts Kafka Connect schemas and values, as Debezium emits them for PostgreSQL, to Avro schemas
 * and generic data, the way Confluent's {@code AvroConverter} would (which is not on Maven
 * Central).
 *
 * <p>Mapping, by Connect schema name first, then by type:
 *
 * <ul>
 *   <li>{@code INT8}, {@code INT16} ({@code int2}), {@code INT32} ({@code int4}) → {@code int};
 *       {@code INT64} ({@code int8}) → {@code long}; {@code FLOAT32}/{@code FLOAT64} → {@code
 *       float}/{@code double}; {@code BOOLEAN} → {@code boolean}; {@code STRING} ({@code text},
 *       {@code varchar}, {@code inet}, enums…) → {@code string}; {@code BYTES} ({@code bytea}) →
 *       {@code bytes}; {@code ARRAY} → {@code array}; {@code MAP} with string keys → {@code map};
 *       {@code STRUCT} → {@code record}
 *   <li>Connect {@code Decimal} ({@code numeric(p,s)}, {@code money}) → {@code bytes} with logical
 *       type {@code decimal(p,s)} (precision 64 when Debezium gives none)
 *   <li>Debezium {@code VariableScaleDecimal} ({@code numeric} without a declared scale, whose
 *       scale varies per value) → {@code string}, the number's plain decimal text: Avro's decimal
 *       needs one scale per schema
 *   <li>{@code io.debezium.time.Date} and Connect {@code Date} → {@code int} {@code date}; {@code
 *       Time}/{@code MicroTime} → {@code int time-millis}/{@code long time-micros}; {@code
 *       Timestamp}/{@code MicroTimestamp} ({@code timestamp}, no time zone) → {@code long} {@code
 *       local-timestamp-millis}/{@code local-timestamp-micros}; Connect {@code Timestamp} → {@code
 *       long timestamp-millis}; {@code ZonedTimestamp} ({@code timestamptz}) → {@code string},
 *       ISO-8601 in UTC as Debezium writes it
 *   <li>{@code io.debezium.data.Uuid} → {@code string} with logical type {@code uuid}; {@code
 *       io.debezium.data.Json} ({@code json}, {@code jsonb}) → {@code string}
 * </ul>
 *
 * <p>Every named Connect schema keeps its name in the Avro property {@code connect.name}. Optional
 * schemas become unions with {@code null}: {@code [null, T]} with default null, or {@code [T,
 * null]} when the column has a default (kept for primitive values, so adding a column with a
 * default stays backward compatible). Record names are Avro-legal versions of the Connect names'
 * last segment, placed in the namespace given to {@link #toAvroSchema}. A MAP whose keys are not
 * strings has no Avro form: conversion fails with an {@link IllegalArgumentException} naming the
 * field. Columns of types Debezium does not know are left out by Debezium itself.
 */
public final class ConnectAvro {
  /** Avro property holding the Connect schema name. */
  public static final String CONNECT_NAME = "connect.name";

  static final String CONNECT_DECIMAL = "org.apache.kafka.connect.data.Decimal";
  static final String CONNECT_DATE = "org.apache.kafka.connect.data.Date";
  static final String CONNECT_TIME = "org.apache.kafka.connect.data.Time";
  static final String CONNECT_TIMESTAMP = "org.apache.kafka.connect.data.Timestamp";
  static final String VARIABLE_SCALE_DECIMAL = "io.debezium.data.VariableScaleDecimal";

  /** Precision used when a Connect decimal does not declare one (as Confluent's converter). */
  static final int DEFAULT_DECIMAL_PRECISION = 64;

  private static final Pattern ILLEGAL = Pattern.compile("[^A-Za-z0-9_]");
  private static final long MILLIS_PER_DAY = TimeUnit.DAYS.toMillis(1);

  private final String namespace;
  private final Map<String, org.apache.kafka.connect.data.Schema> named = new HashMap<>();
  private final Map<String, Schema> records = new HashMap<>();

  private ConnectAvro(String namespace) {
    this.namespace = namespace;
  }

  /**
   * The Avro schema of {@code connect}; records are named in {@code namespace} (dot-separated Avro
   * names).
   *
   * @throws IllegalArgumentException naming the field whose type has no Avro form
   */
  public static Schema toAvroSchema(
      org.apache.kafka.connect.data.Schema connect, String namespace) {
    return new ConnectAvro(namespace).schema(connect, "", "Record");
  }

  /**
   * {@code value}, of Connect schema {@code connect}, as Avro generic data of {@code avro} (the
   * schema {@link #toAvroSchema} made of {@code connect}).
   *
   * @throws IllegalArgumentException naming the field whose value cannot be converted
   */
  public static Object toAvroValue(
      Schema avro, org.apache.kafka.connect.data.Schema connect, Object value) {
    return value(avro, connect, value, "");
  }

  private Schema schema(org.apache.kafka.connect.data.Schema connect, String path, String hint) {
    Schema plain = plainSchema(connect, path, hint);
    if (!connect.isOptional()) {
      return plain;
    }
    return Schema.createUnion(Schema.create(Schema.Type.NULL), plain);
  }

  private Schema plainSchema(
      org.apache.kafka.connect.data.Schema connect, String path, String hint) {
    String name = connect.name();
    Schema avro = name == null ? null : semantic(connect, name);
    if (avro == null) {
      avro = structural(connect, path, hint);
    }
    if (name != null && avro.getType() != Schema.Type.RECORD) {
      avro.addProp(CONNECT_NAME, name);
    }
    return avro;
  }

  /** The schemas chosen by name, or {@code null} for a name without a special mapping. */
  private static Schema semantic(org.apache.kafka.connect.data.Schema connect, String name) {
    switch (name) {
      case CONNECT_DECIMAL:
        return decimal(connect);
      case VARIABLE_SCALE_DECIMAL:
        return Schema.create(Schema.Type.STRING);
      case CONNECT_DATE:
      case "io.debezium.time.Date":
        return logical(Schema.Type.INT, LogicalTypes.date());
      case CONNECT_TIME:
      case "io.debezium.time.Time":
        return logical(Schema.Type.INT, LogicalTypes.timeMillis());
      case "io.debezium.time.MicroTime":
        return logical(Schema.Type.LONG, LogicalTypes.timeMicros());
      case CONNECT_TIMESTAMP:
        return logical(Schema.Type.LONG, LogicalTypes.timestampMillis());
      case "io.debezium.time.Timestamp":
        return logical(Schema.Type.LONG, LogicalTypes.localTimestampMillis());
      case "io.debezium.time.MicroTimestamp":
        return logical(Schema.Type.LONG, LogicalTypes.localTimestampMicros());
      case "io.debezium.data.Uuid":
        return logical(Schema.Type.STRING, LogicalTypes.uuid());
      default:
        return null;
    }
  }

  private static Schema decimal(org.apache.kafka.connect.data.Schema connect) {
    Map<String, String> params = connect.parameters() == null ? Map.of() : connect.parameters();
    int scale = Integer.parseInt(params.getOrDefault("scale", "0"));
    String declared = params.get("connect.decimal.precision");
    int precision = declared == null ? DEFAULT_DECIMAL_PRECISION : Integer.parseInt(declared);
    return logical(Schema.Type.BYTES, LogicalTypes.decimal(Math.max(precision, scale), scale));
  }

  private static Schema logical(Schema.Type type, LogicalType logicalType) {
    return logicalType.addToSchema(Schema.create(type));
  }

  private Schema structural(
      org.apache.kafka.connect.data.Schema connect, String path, String hint) {
    switch (connect.type()) {
      case INT8:
      case INT16:
      case INT32:
        return Schema.create(Schema.Type.INT);
      case INT64:
        return Schema.create(Schema.Type.LONG);
      case FLOAT32:
        return Schema.create(Schema.Type.FLOAT);
      case FLOAT64:
        return Schema.create(Schema.Type.DOUBLE);
      case BOOLEAN:
        return Schema.create(Schema.Type.BOOLEAN);
      case STRING:
        return Schema.create(Schema.Type.STRING);
      case BYTES:
        return Schema.create(Schema.Type.BYTES);
      case ARRAY:
        return Schema.createArray(schema(connect.valueSchema(), path + "[]", hint + "_item"));
      case MAP:
        if (connect.keySchema().type() != org.apache.kafka.connect.data.Schema.Type.STRING) {
          throw new IllegalArgumentException(
              describe(path)
                  + ": a Connect MAP with "
                  + connect.keySchema().type()
                  + " keys has no Avro form (Avro maps have string keys)");
        }
        return Schema.createMap(schema(connect.valueSchema(), path + "{}", hint + "_value"));
      case STRUCT:
        return record(connect, path, hint);
      default:
        throw new IllegalArgumentException(
            describe(path) + ": Connect type " + connect.type() + " has no Avro form");
    }
  }

  private Schema record(org.apache.kafka.connect.data.Schema connect, String path, String hint) {
    String simple = avroName(connect.name() == null ? hint : lastSegment(connect.name()));
    String fullName = namespace + "." + simple;
    Schema known = records.get(fullName);
    if (known != null && connect.equals(named.get(fullName))) {
      return known;
    }
    for (int i = 2; known != null; i++) {
      // The same name for another structure (an Avro schema may define a name once): suffix it.
      fullName = namespace + "." + simple + i;
      known = records.get(fullName);
    }
    Schema avro = Schema.createRecord(simple(fullName), connect.doc(), namespace, false);
    if (connect.name() != null) {
      avro.addProp(CONNECT_NAME, connect.name());
    }
    records.put(fullName, avro);
    named.put(fullName, connect);
    List<Schema.Field> fields = new ArrayList<>();
    for (Field field : connect.fields()) {
      String fieldPath = path.isEmpty() ? field.name() : path + "." + field.name();
      Schema fieldSchema = schema(field.schema(), fieldPath, avroName(field.name()));
      fields.add(field(avroName(field.name()), fieldSchema, field.schema()));
    }
    avro.setFields(fields);
    return avro;
  }

  private static Schema.Field field(
      String name, Schema schema, org.apache.kafka.connect.data.Schema connect) {
    String doc = connect.doc();
    Object defaultValue = connect.defaultValue();
    if (schema.getType() == Schema.Type.UNION) {
      if (defaultValue == null) {
        return new Schema.Field(name, schema, doc, Schema.Field.NULL_DEFAULT_VALUE);
      }
      Schema plain = schema.getTypes().get(1);
      Object avroDefault = avroDefault(plain, connect, defaultValue);
      if (avroDefault == null) {
        return new Schema.Field(name, schema, doc, Schema.Field.NULL_DEFAULT_VALUE);
      }
      // A union's default must match its first branch: put the type first.
      Schema typeFirst = Schema.createUnion(plain, Schema.create(Schema.Type.NULL));
      return new Schema.Field(name, typeFirst, doc, avroDefault);
    }
    Object avroDefault = defaultValue == null ? null : avroDefault(schema, connect, defaultValue);
    return avroDefault == null
        ? new Schema.Field(name, schema, doc)
        : new Schema.Field(name, schema, doc, avroDefault);
  }

  /** A column default as Avro JSON default, or {@code null} when it has no simple form. */
  private static Object avroDefault(
      Schema schema, org.apache.kafka.connect.data.Schema connect, Object connectDefault) {
    try {
      Object value = value(schema, connect, connectDefault, "default");
      if (value instanceof ByteBuffer buffer) {
        return bytes(buffer);
      }
      if (value instanceof Number || value instanceof CharSequence || value instanceof Boolean) {
        return value instanceof CharSequence ? value.toString() : value;
      }
      return null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static Object value(
      Schema avro, org.apache.kafka.connect.data.Schema connect, Object value, String path) {
    if (value == null) {
      if (avro.getType() == Schema.Type.UNION || avro.getType() == Schema.Type.NULL) {
        return null;
      }
      throw new IllegalArgumentException(
          describe(path) + ": null for a required " + avro.getType());
    }
    if (avro.getType() == Schema.Type.UNION) {
      for (Schema branch : avro.getTypes()) {
        if (branch.getType() != Schema.Type.NULL) {
          return value(branch, connect, value, path);
        }
      }
    }
    try {
      return plainValue(avro, connect, value, path);
    } catch (ClassCastException | ArithmeticException | AvroRuntimeException e) {
      throw new IllegalArgumentException(
          describe(path)
              + ": a "
              + value.getClass().getSimpleName()
              + " does not fit Avro "
              + avro.getType()
              + " ("
              + e.getClass().getSimpleName()
              + ")",
          e);
    }
  }

  private static Object plainValue(
      Schema avro, org.apache.kafka.connect.data.Schema connect, Object value, String path) {
    String name = connect.name();
    if (VARIABLE_SCALE_DECIMAL.equals(name)) {
      Struct struct = (Struct) value;
      BigInteger unscaled = new BigInteger(bytes(struct.get("value")));
      return new BigDecimal(unscaled, struct.getInt32("scale")).toPlainString();
    }
    switch (avro.getType()) {
      case INT:
        if (value instanceof java.util.Date date) {
          return CONNECT_DATE.equals(name)
              ? (int) Math.floorDiv(date.getTime(), MILLIS_PER_DAY)
              : (int) date.getTime();
        }
        return ((Number) value).intValue();
      case LONG:
        return value instanceof java.util.Date date ? date.getTime() : ((Number) value).longValue();
      case FLOAT:
        return ((Number) value).floatValue();
      case DOUBLE:
        return ((Number) value).doubleValue();
      case BOOLEAN:
        return (Boolean) value;
      case STRING:
        return value.toString();
      case BYTES:
        if (value instanceof BigDecimal decimal) {
          int scale = ((LogicalTypes.Decimal) avro.getLogicalType()).getScale();
          return ByteBuffer.wrap(
              decimal.setScale(scale, RoundingMode.UNNECESSARY).unscaledValue().toByteArray());
        }
        return ByteBuffer.wrap(bytes(value));
      case ARRAY:
        List<Object> items = new ArrayList<>();
        int i = 0;
        for (Object item : (List<?>) value) {
          items.add(
              value(avro.getElementType(), connect.valueSchema(), item, path + "[" + i++ + "]"));
        }
        return items;
      case MAP:
        Map<String, Object> map = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
          map.put(
              String.valueOf(e.getKey()),
              value(
                  avro.getValueType(),
                  connect.valueSchema(),
                  e.getValue(),
                  path + "{" + e.getKey() + "}"));
        }
        return map;
      case RECORD:
        return record(avro, connect, (Struct) value, path);
      default:
        throw new IllegalArgumentException(
            describe(path) + ": Avro " + avro.getType() + " is not a target of the conversion");
    }
  }

  private static GenericData.Record record(
      Schema avro, org.apache.kafka.connect.data.Schema connect, Struct struct, String path) {
    GenericData.Record record = new GenericData.Record(avro);
    List<Field> fields = connect.fields();
    for (int i = 0; i < fields.size(); i++) {
      Field field = fields.get(i);
      String fieldPath = path.isEmpty() ? field.name() : path + "." + field.name();
      Object value = struct.getWithoutDefault(field.name());
      record.put(i, value(avro.getFields().get(i).schema(), field.schema(), value, fieldPath));
    }
    return record;
  }

  private static byte[] bytes(Object value) {
    if (value instanceof byte[] array) {
      return array;
    }
    ByteBuffer view = ((ByteBuffer) value).duplicate();
    byte[] copy = new byte[view.remaining()];
    view.get(copy);
    return copy;
  }

  /** {@code name} as a legal Avro name: illegal characters become '_', never a leading digit. */
  static String avroName(String name) {
    String legal = ILLEGAL.matcher(name).replaceAll("_");
    return legal.isEmpty() || Character.isDigit(legal.charAt(0)) ? "_" + legal : legal;
  }

  private static String lastSegment(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? name : name.substring(dot + 1);
  }

  private static String simple(String fullName) {
    return fullName.substring(fullName.lastIndexOf('.') + 1);
  }

  private static String describe(String path) {
    return path.isEmpty() ? "the record" : "field '" + path + "'";
  }
}
