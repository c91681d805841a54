package dev.offload.producers.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

/**
 * Converts JSON to the Avro representation of logical types: temporal values from ISO-8601 strings
 * or numbers, UUIDs, decimals. Values are stored in their underlying Avro type (a {@code long} for
 * {@code timestamp-millis}, a {@code String} for {@code uuid}), as {@code GenericData} without
 * conversions reads them.
 */
final class LogicalValues {
  private static final Set<String> HANDLED =
      Set.of(
          "timestamp-millis",
          "timestamp-micros",
          "timestamp-nanos",
          "local-timestamp-millis",
          "local-timestamp-micros",
          "local-timestamp-nanos",
          "date",
          "time-millis",
          "time-micros",
          "uuid",
          "decimal");

  private static final Pattern UUID_TEXT =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private static final long NANOS_PER_DAY = 86_400_000_000_000L;

  private LogicalValues() {}

  /** Whether {@code schema} has a logical type converted here. */
  static boolean handles(Schema schema) {
    LogicalType type = schema.getLogicalType();
    return type != null && HANDLED.contains(type.getName());
  }

  /** The Avro value of {@code json} for a schema that {@link #handles} accepts. */
  static Object convert(JsonNode json, Schema schema, String path, Violations v) {
    String name = schema.getLogicalType().getName();
    return switch (name) {
      case "timestamp-millis" ->
          instant(json, path, v, name, "epoch millis", Instant::toEpochMilli);
      case "timestamp-micros" -> instant(json, path, v, name, "epoch micros", i -> units(i, 1_000));
      case "timestamp-nanos" -> instant(json, path, v, name, "epoch nanos", i -> units(i, 1));
      case "local-timestamp-millis" -> local(json, path, v, name, Instant::toEpochMilli);
      case "local-timestamp-micros" -> local(json, path, v, name, i -> units(i, 1_000));
      case "local-timestamp-nanos" -> local(json, path, v, name, i -> units(i, 1));
      case "date" -> date(json, path, v);
      case "time-millis" -> timeMillis(json, path, v);
      case "time-micros" -> timeMicros(json, path, v);
      case "uuid" -> uuid(json, schema, path, v);
      case "decimal" -> decimal(json, schema, path, v);
      default -> throw new IllegalArgumentException("logical type not handled: " + name);
    };
  }

  private static Long instant(
      JsonNode json,
      String path,
      Violations v,
      String name,
      String unit,
      ToLongFunction<Instant> toLong) {
    String label = "expected " + name + " as ISO-8601 string or " + unit;
    return temporal(json, path, v, label, name, text -> toLong.applyAsLong(parseInstant(text)));
  }

  private static Long local(
      JsonNode json, String path, Violations v, String name, ToLongFunction<Instant> toLong) {
    String label = "expected " + name + " as ISO-8601 local date-time string or number";
    return temporal(
        json,
        path,
        v,
        label,
        name,
        text -> toLong.applyAsLong(LocalDateTime.parse(text).toInstant(ZoneOffset.UTC)));
  }

  /** A long from a number as is, or from a string through {@code parse}. */
  private static Long temporal(
      JsonNode json,
      String path,
      Violations v,
      String label,
      String name,
      ToLongFunction<String> parse) {
    if (json.isNumber()) {
      return Scalars.longValue(json, path, v, label.substring("expected ".length()));
    }
    if (!json.isTextual()) {
      v.add(path, label + ", got " + Violations.kind(json));
      return null;
    }
    try {
      return parse.applyAsLong(json.textValue());
    } catch (DateTimeException e) {
      v.add(path, "not an ISO-8601 value; " + label);
    } catch (ArithmeticException e) {
      v.add(path, "out of range for " + name);
    }
    return null;
  }

  private static Instant parseInstant(String text) {
    return OffsetDateTime.parse(text).toInstant();
  }

  /** {@code instant} in units of {@code nanosPerUnit} nanoseconds since the epoch (floored). */
  private static long units(Instant instant, long nanosPerUnit) {
    long perSecond = 1_000_000_000L / nanosPerUnit;
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), perSecond), instant.getNano() / nanosPerUnit);
  }

  private static Integer date(JsonNode json, String path, Violations v) {
    String label = "expected date as ISO-8601 string (yyyy-MM-dd) or days since 1970-01-01";
    Long days = temporal(json, path, v, label, "date", text -> LocalDate.parse(text).toEpochDay());
    if (days == null) {
      return null;
    }
    if (days != days.intValue()) {
      v.add(path, "out of range for date");
      return null;
    }
    return days.intValue();
  }

  private static Integer timeMillis(JsonNode json, String path, Violations v) {
    String label = "expected time-millis as ISO-8601 time (HH:mm:ss.SSS) or millis after midnight";
    Long millis = time(json, path, v, label, "time-millis", 1_000_000);
    return millis == null ? null : Integer.valueOf(millis.intValue());
  }

  private static Long timeMicros(JsonNode json, String path, Violations v) {
    String label =
        "expected time-micros as ISO-8601 time (HH:mm:ss.SSSSSS) or micros after midnight";
    return time(json, path, v, label, "time-micros", 1_000);
  }

  /** A time of day in units of {@code nanosPerUnit}, within one day. */
  private static Long time(
      JsonNode json, String path, Violations v, String label, String name, long nanosPerUnit) {
    Long value =
        temporal(json, path, v, label, name, t -> LocalTime.parse(t).toNanoOfDay() / nanosPerUnit);
    long perDay = NANOS_PER_DAY / nanosPerUnit;
    if (value != null && (value < 0 || value >= perDay)) {
      v.add(path, "out of range for " + name + " (0 to " + (perDay - 1) + ")");
      return null;
    }
    return value;
  }

  private static Object uuid(JsonNode json, Schema schema, String path, Violations v) {
    String text = Scalars.string(json, path, v, "uuid as a string");
    if (text == null) {
      return null;
    }
    if (!UUID_TEXT.matcher(text).matches()) {
      v.add(path, "not a UUID");
      return null;
    }
    UUID uuid = UUID.fromString(text);
    if (schema.getType() == Schema.Type.FIXED) {
      ByteBuffer bytes = ByteBuffer.allocate(16);
      bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
      return new GenericData.Fixed(schema, bytes.array());
    }
    return text.toLowerCase(Locale.ROOT);
  }

  private static Object decimal(JsonNode json, Schema schema, String path, Violations v) {
    LogicalTypes.Decimal type = (LogicalTypes.Decimal) schema.getLogicalType();
    BigDecimal value = DecimalValues.parse(json, type, path, v);
    if (value == null) {
      return null;
    }
    Conversions.DecimalConversion conversion = new Conversions.DecimalConversion();
    return schema.getType() == Schema.Type.FIXED
        ? conversion.toFixed(value, schema, type)
        : conversion.toBytes(value, schema, type);
  }
}
