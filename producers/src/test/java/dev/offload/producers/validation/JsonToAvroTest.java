package dev.offload.producers.validation;

import static dev.offload.producers.validation.Fixture.convert;
import static dev.offload.producers.validation.Fixture.field;
import static dev.offload.producers.validation.Fixture.json;
import static dev.offload.producers.validation.Fixture.record;
import static dev.offload.producers.validation.Fixture.valueOf;
import static dev.offload.producers.validation.Fixture.violationOf;
import static dev.offload.producers.validation.Fixture.violations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.schemas.BuiltInEventTypes;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** Records, arrays, maps, unions, paths and the violation limit. */
class JsonToAvroTest {
  private static final Schema USER = BuiltInEventTypes.USER_SIGNED_UP.schema();

  private static final String ADDRESS =
      "{\"type\":\"record\",\"name\":\"Address\",\"fields\":["
          + "{\"name\":\"city\",\"type\":\"string\"},"
          + "{\"name\":\"zip\",\"type\":[\"null\",\"string\"],\"default\":null}]}";

  @Test
  void validDataBecomesTheRecordWithOptionalFieldsNull() {
    GenericRecord record =
        convert(USER, "{\"userId\":\"u-1\",\"email\":\"a@b.c\",\"name\":\"Ada\"}");

    GenericRecord expected = new GenericData.Record(USER);
    expected.put("userId", "u-1");
    expected.put("email", "a@b.c");
    expected.put("name", "Ada");
    assertThat(record).isEqualTo(expected);
  }

  @Test
  void everyViolationIsListedInSchemaOrderThenUnknownMembers() {
    List<Violation> found =
        violations(USER, "{\"plan\":\"pro\",\"email\":7,\"userId\":\"u\",\"locale\":false}");

    assertThat(found)
        .containsExactly(
            new Violation("data.email", "expected string, got number"),
            new Violation("data.name", "missing required field"),
            new Violation("data.locale", "expected string, got boolean"),
            new Violation("data.plan", "unknown field"));
  }

  @Test
  void missingFieldTakesItsDefault() {
    GenericRecord doc =
        convert(
            BuiltInEventTypes.DOCUMENT_CHANGED.schema(),
            "{\"id\":\"d\",\"title\":\"t\",\"body\":\"b\"}");

    assertThat(doc.get("tags"))
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
        .isEmpty();
    assertThat(doc.get("deleted")).isEqualTo(false);
  }

  @Test
  void missingRecordFieldTakesARecordDefault() {
    Schema schema = record(field("address", ADDRESS, "{\"city\":\"Paris\"}"));

    GenericRecord address = (GenericRecord) convert(schema, "{}").get("address");

    assertThat(address.get("city")).hasToString("Paris");
    assertThat(address.get("zip")).isNull();
  }

  @Test
  void optionalFieldWithoutDefaultMayBeOmittedButRequiredOneMayNot() {
    Schema schema = record(field("note", "[\"string\",\"null\"]"), field("id", "\"string\""));

    assertThat(convert(schema, "{\"id\":\"x\"}").get("note")).isNull();
    assertThat(violations(schema, "{\"note\":\"n\"}"))
        .containsExactly(new Violation("data.id", "missing required field"));
  }

  @Test
  void explicitNullIsAValueNotAnAbsence() {
    assertThat(violationOf("\"string\"", "null"))
        .isEqualTo(new Violation("data.v", "expected string, got null"));
    Schema withDefault = record(field("v", "\"string\"", "\"d\""));
    assertThat(violations(withDefault, "{\"v\":null}"))
        .containsExactly(new Violation("data.v", "expected string, got null"));
  }

  @Test
  void dataMustBeAnObjectForARecord() {
    assertThatThrownBy(() -> JsonToAvro.toRecord(json("[1]"), USER))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e ->
                assertThat(e.violations())
                    .containsExactly(new Violation("data", "expected object, got array")));
  }

  @Test
  void nestedRecordViolationsNameTheFullPath() {
    Schema schema = record(field("address", ADDRESS));

    assertThat(violations(schema, "{\"address\":{\"city\":3,\"street\":\"x\"}}"))
        .containsExactly(
            new Violation("data.address.city", "expected string, got number"),
            new Violation("data.address.street", "unknown field"));
    assertThat(violations(schema, "{\"address\":\"Paris\"}"))
        .containsExactly(new Violation("data.address", "expected object, got string"));
  }

  @Test
  void arrayElementsAreCheckedOneByOne() {
    String tags = "{\"type\":\"array\",\"items\":\"string\"}";

    assertThat(valueOf(tags, "[\"a\",\"b\"]")).asString().isEqualTo("[a, b]");
    assertThat(violations(record(field("tags", tags)), "{\"tags\":[\"a\",\"b\",3,null]}"))
        .containsExactly(
            new Violation("data.tags[2]", "expected string, got number"),
            new Violation("data.tags[3]", "expected string, got null"));
    assertThat(violationOf(tags, "\"a\""))
        .isEqualTo(new Violation("data.v", "expected array, got string"));
  }

  @Test
  void arrayOfRecordsNamesElementAndField() {
    String items = "{\"type\":\"array\",\"items\":" + ADDRESS + "}";

    assertThat(violationOf(items, "[{\"city\":\"a\"},{\"zip\":\"1\"}]"))
        .isEqualTo(new Violation("data.v[1].city", "missing required field"));
  }

  @Test
  void mapValuesAreCheckedAndOddKeysAreQuotedInPaths() {
    String labels = "{\"type\":\"map\",\"values\":\"long\"}";

    assertThat(valueOf(labels, "{\"a\":1,\"b\":2}")).isEqualTo(Map.of("a", 1L, "b", 2L));
    assertThat(
            violations(
                record(field("v", labels)), "{\"v\":{\"ok\":1,\"a key\":\"x\",\"q\\\"\":true}}"))
        .containsExactly(
            new Violation("data.v[\"a key\"]", "expected long, got string"),
            new Violation("data.v[\"q\\\"\"]", "expected long, got boolean"));
    assertThat(violationOf(labels, "[1]"))
        .isEqualTo(new Violation("data.v", "expected object, got array"));
  }

  @Test
  void unionTakesTheFirstBranchThatAcceptsTheValue() {
    String union = "[\"null\",\"int\",\"double\",\"string\"]";

    assertThat(valueOf(union, "null")).isNull();
    assertThat(valueOf(union, "3")).isEqualTo(3);
    assertThat(valueOf(union, "3.5")).isEqualTo(3.5);
    assertThat(valueOf(union, "3000000000")).isEqualTo(3.0e9);
    assertThat(valueOf(union, "\"x\"")).isEqualTo("x");
    assertThat(violationOf(union, "true"))
        .isEqualTo(
            new Violation("data.v", "expected one of [null, int, double, string], got boolean"));
  }

  @Test
  void unionWithOneBranchOfTheValuesKindReportsThatBranchPrecisely() {
    String union = "[\"null\",\"string\"," + ADDRESS + "]";

    assertThat(violationOf(union, "{\"city\":1}"))
        .isEqualTo(new Violation("data.v.city", "expected string, got number"));
    assertThat(violationOf("[\"string\",\"null\"]", "1"))
        .isEqualTo(new Violation("data.v", "expected string, got number"));
  }

  @Test
  void unionWithoutNullRejectsNull() {
    assertThat(violationOf("[\"string\",\"long\"]", "null"))
        .isEqualTo(new Violation("data.v", "expected one of [string, long], got null"));
  }

  @Test
  void nullTypeAcceptsOnlyNull() {
    assertThat(valueOf("\"null\"", "null")).isNull();
    assertThat(violationOf("\"null\"", "0"))
        .isEqualTo(new Violation("data.v", "expected null, got number"));
  }

  @Test
  void violationsStopBeingListedAtTheLimit() {
    String numbers = "[" + "\"x\",".repeat(JsonToAvro.MAX_VIOLATIONS + 10) + "\"x\"]";
    Schema schema = record(field("v", "{\"type\":\"array\",\"items\":\"int\"}"));

    assertThatThrownBy(() -> convert(schema, "{\"v\":" + numbers + "}"))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> {
              assertThat(e.violations()).hasSize(JsonToAvro.MAX_VIOLATIONS);
              assertThat(e.truncated()).isTrue();
              assertThat(e.getMessage()).startsWith("1000+ violation(s): data.v[0]: expected int");
            });
  }

  @Test
  void longUnknownMemberNamesAreShortenedInPaths() {
    String name = "k".repeat(500);

    List<Violation> found = violations(record(), "{\"" + name + "\":1}");

    assertThat(found)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.field()).hasSizeLessThan(100).startsWith("data[\"kkk").endsWith("…\"]");
              assertThat(v.message()).isEqualTo("unknown field");
            });
  }

  @Test
  void toRecordRequiresARecordSchemaAndToAvroAcceptsAny() {
    Schema strings = Schema.createArray(Schema.create(Schema.Type.STRING));

    assertThatThrownBy(() -> JsonToAvro.toRecord(json("[]"), strings))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a record schema");
    assertThat(JsonToAvro.toAvro(json("[\"a\"]"), strings)).asString().isEqualTo("[a]");
    assertThatThrownBy(() -> JsonToAvro.toAvro(json("[1]"), strings))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e ->
                assertThat(e.violations())
                    .containsExactly(new Violation("data[0]", "expected string, got number")));
  }
}
