package dev.offload.producers.validation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/** Schemas and JSON for the converter's tests, parsed as the ingest API parses requests. */
final class Fixture {
  /** The API's parser settings: floats as exact decimals. */
  static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .build();

  private Fixture() {}

  /** A record schema named {@code Test} with {@code fields} (JSON field definitions). */
  static Schema record(String... fields) {
    return new Schema.Parser()
        .parse(
            "{\"type\":\"record\",\"name\":\"Test\",\"namespace\":\"t\",\"fields\":["
                + String.join(",", fields)
                + "]}");
  }

  /** A field definition: {@code type} is JSON ({@code "\"string\""}, a union array, ...). */
  static String field(String name, String type) {
    return "{\"name\":\"" + name + "\",\"type\":" + type + "}";
  }

  /** A field definition with a default value (JSON). */
  static String field(String name, String type, String defaultValue) {
    return "{\"name\":\"" + name + "\",\"type\":" + type + ",\"default\":" + defaultValue + "}";
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static GenericRecord convert(Schema schema, String data) {
    return JsonToAvro.toRecord(json(data), schema);
  }

  /** The value that {@code {"v": jsonValue}} gives field {@code v} of type {@code type}. */
  static Object valueOf(String type, String jsonValue) {
    return convert(record(field("v", type)), "{\"v\":" + jsonValue + "}").get("v");
  }

  /** The violations of {@code data}, which must be rejected. */
  static List<Violation> violations(Schema schema, String data) {
    try {
      convert(schema, data);
    } catch (ValidationException e) {
      return e.violations();
    }
    throw new AssertionError("expected violations for " + data);
  }

  /** The only violation of {@code {"v": jsonValue}} for field {@code v} of type {@code type}. */
  static Violation violationOf(String type, String jsonValue) {
    List<Violation> found = violations(record(field("v", type)), "{\"v\":" + jsonValue + "}");
    if (found.size() != 1) {
      throw new AssertionError("expected one violation, got " + found);
    }
    return found.get(0);
  }
}
