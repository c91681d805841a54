package dev.offload.producers.validation;

import static dev.offload.producers.validation.Fixture.valueOf;
import static dev.offload.producers.validation.Fixture.violationOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericFixed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Logical types: values in their underlying Avro type, from strings or numbers. */
class JsonToAvroLogicalTypesTest {
  private static final String MILLIS = "{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}";
  private static final String MICROS = "{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}";
  private static final String NANOS = "{\"type\":\"long\",\"logicalType\":\"timestamp-nanos\"}";
  private static final String LOCAL_MILLIS =
      "{\"type\":\"long\",\"logicalType\":\"local-timestamp-millis\"}";
  private static final String DATE = "{\"type\":\"int\",\"logicalType\":\"date\"}";
  private static final String TIME_MILLIS = "{\"type\":\"int\",\"logicalType\":\"time-millis\"}";
  private static final String TIME_MICROS = "{\"type\":\"long\",\"logicalType\":\"time-micros\"}";
  private static final String UUID_STRING = "{\"type\":\"string\",\"logicalType\":\"uuid\"}";
  private static final String UUID_FIXED =
      "{\"type\":\"fixed\",\"name\":\"Id\",\"size\":16,\"logicalType\":\"uuid\"}";
  private static final String PRICE =
      "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":6,\"scale\":2}";
  private static final String PRICE_FIXED =
      "{\"type\":\"fixed\",\"name\":\"Price\",\"size\":4,"
          + "\"logicalType\":\"decimal\",\"precision\":6,\"scale\":2}";
  private static final long NOON = Instant.parse("2024-05-01T12:00:00Z").toEpochMilli();

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "'\"2024-05-01T12:00:00Z\"', 0",
    "'\"2024-05-01T12:00:00.250Z\"', 250",
    "'\"2024-05-01T14:00:00.250+02:00\"', 250",
    "'\"2024-05-01T12:00:00.250999Z\"', 250",
  })
  void timestampMillisFromIsoStringsDroppingFinerDigits(String json, long extraMillis) {
    assertThat(valueOf(MILLIS, json)).isEqualTo(NOON + extraMillis);
  }

  @Test
  void timestampMillisFromEpochMillis() {
    assertThat(valueOf(MILLIS, Long.toString(NOON))).isEqualTo(NOON);
    assertThat(valueOf(MILLIS, "-1")).isEqualTo(-1L);
  }

  @Test
  void timestampMillisRejectsOtherKindsAndTexts() {
    String expected = "expected timestamp-millis as ISO-8601 string or epoch millis";

    assertThat(violationOf(MILLIS, "true"))
        .isEqualTo(new Violation("data.v", expected + ", got boolean"));
    assertThat(violationOf(MILLIS, "\"yesterday\""))
        .isEqualTo(new Violation("data.v", "not an ISO-8601 value; " + expected));
    assertThat(violationOf(MILLIS, "\"2024-05-01T12:00:00\""))
        .isEqualTo(new Violation("data.v", "not an ISO-8601 value; " + expected));
    assertThat(violationOf(MILLIS, "1.5"))
        .isEqualTo(
            new Violation("data.v", expected.substring(0) + ", got a number with a fraction"));
  }

  @Test
  void timestampMicrosAndNanosKeepTheirPrecision() {
    assertThat(valueOf(MICROS, "\"2024-05-01T12:00:00.000123Z\"")).isEqualTo(NOON * 1000 + 123);
    assertThat(valueOf(MICROS, "\"1969-12-31T23:59:59.9999995Z\"")).isEqualTo(-1L);
    assertThat(valueOf(NANOS, "\"1970-01-01T00:00:01.000000007Z\"")).isEqualTo(1_000_000_007L);
    assertThat(violationOf(NANOS, "\"+999999999-01-01T00:00:00Z\""))
        .isEqualTo(new Violation("data.v", "out of range for timestamp-nanos"));
  }

  @Test
  void localTimestampHasNoOffset() {
    assertThat(valueOf(LOCAL_MILLIS, "\"2024-05-01T12:00:00\"")).isEqualTo(NOON);
    assertThat(violationOf(LOCAL_MILLIS, "\"2024-05-01T12:00:00Z\"").message())
        .startsWith("not an ISO-8601 value; expected local-timestamp-millis");
  }

  @Test
  void dateFromIsoDateOrDays() {
    int days = (int) LocalDate.parse("2024-05-01").toEpochDay();

    assertThat(valueOf(DATE, "\"2024-05-01\"")).isEqualTo(days);
    assertThat(valueOf(DATE, Integer.toString(days))).isEqualTo(days);
    assertThat(violationOf(DATE, "\"2024-13-01\""))
        .isEqualTo(
            new Violation(
                "data.v",
                "not an ISO-8601 value; expected date as ISO-8601 string (yyyy-MM-dd) or days"
                    + " since 1970-01-01"));
  }

  @Test
  void timeOfDayFromIsoTimeOrUnitsAfterMidnight() {
    assertThat(valueOf(TIME_MILLIS, "\"01:00:00.5\"")).isEqualTo(3_600_500);
    assertThat(valueOf(TIME_MILLIS, "0")).isEqualTo(0);
    assertThat(valueOf(TIME_MICROS, "\"00:00:01.000002\"")).isEqualTo(1_000_002L);
    assertThat(violationOf(TIME_MILLIS, "86400000"))
        .isEqualTo(new Violation("data.v", "out of range for time-millis (0 to 86399999)"));
    assertThat(violationOf(TIME_MICROS, "-1"))
        .isEqualTo(new Violation("data.v", "out of range for time-micros (0 to 86399999999)"));
  }

  @Test
  void uuidMustBeTheCanonicalFormAndIsStoredLowerCase() {
    UUID id = UUID.randomUUID();

    assertThat(valueOf(UUID_STRING, "\"" + id.toString().toUpperCase() + "\""))
        .isEqualTo(id.toString());
    assertThat(violationOf(UUID_STRING, "\"1-2-3-4-5\""))
        .isEqualTo(new Violation("data.v", "not a UUID"));
    assertThat(violationOf(UUID_STRING, "42"))
        .isEqualTo(new Violation("data.v", "expected uuid as a string, got number"));
  }

  @Test
  void uuidOnFixedIsItsSixteenBytes() {
    UUID id = UUID.randomUUID();

    GenericFixed fixed = (GenericFixed) valueOf(UUID_FIXED, "\"" + id + "\"");

    ByteBuffer bytes = ByteBuffer.wrap(fixed.bytes());
    assertThat(new UUID(bytes.getLong(), bytes.getLong())).isEqualTo(id);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"12.34", "'\"12.34\"'", "12.340", "1234e-2"})
  void decimalFromNumberOrNumericString(String json) {
    assertThat(decimal(PRICE, valueOf(PRICE, json))).isEqualTo(new BigDecimal("12.34"));
  }

  @Test
  void decimalIsPaddedToItsScaleAndWorksOnFixed() {
    assertThat(decimal(PRICE, valueOf(PRICE, "7"))).isEqualTo(new BigDecimal("7.00"));
    assertThat(decimal(PRICE_FIXED, valueOf(PRICE_FIXED, "-9999.99")))
        .isEqualTo(new BigDecimal("-9999.99"));
  }

  @Test
  void decimalIsNeverRounded() {
    assertThat(violationOf(PRICE, "12.345"))
        .isEqualTo(new Violation("data.v", "more than 2 decimal places for decimal(6,2)"));
    assertThat(violationOf(PRICE, "10000"))
        .isEqualTo(new Violation("data.v", "more than 6 digits for decimal(6,2)"));
    assertThat(violationOf(PRICE, "1e999999999"))
        .isEqualTo(new Violation("data.v", "more than 6 digits for decimal(6,2)"));
    assertThat(violationOf(PRICE, "\"twelve\""))
        .isEqualTo(
            new Violation(
                "data.v",
                "not a decimal number; expected decimal(6,2) as a number or numeric string"));
    assertThat(violationOf(PRICE, "[]"))
        .isEqualTo(
            new Violation(
                "data.v", "expected decimal(6,2) as a number or numeric string, got array"));
  }

  @Test
  void unknownLogicalTypesAreTheirUnderlyingType() {
    assertThat(valueOf("{\"type\":\"string\",\"logicalType\":\"country\"}", "\"FR\""))
        .isEqualTo("FR");
  }

  private static BigDecimal decimal(String type, Object value) {
    Schema schema = new Schema.Parser().parse(type);
    LogicalTypes.Decimal decimal = (LogicalTypes.Decimal) schema.getLogicalType();
    Conversions.DecimalConversion conversion = new Conversions.DecimalConversion();
    return value instanceof GenericFixed fixed
        ? conversion.fromFixed(fixed, schema, decimal)
        : conversion.fromBytes((ByteBuffer) value, schema, decimal);
  }
}
