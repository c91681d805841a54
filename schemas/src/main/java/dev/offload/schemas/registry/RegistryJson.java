package dev.offload.schemas.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/** The JSON bodies of the Confluent REST API v1, both ways. */
final class RegistryJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private RegistryJson() {}

  /** {@code {"schema": "...", "schemaType": "AVRO"}}. */
  static String schemaRequest(Schema schema) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("schema", schema.toString());
    body.put("schemaType", "AVRO");
    return body.toString();
  }

  /** {@code {"compatibility": "BACKWARD"}}. */
  static String compatibilityRequest(CompatibilityLevel level) {
    return MAPPER.createObjectNode().put("compatibility", level.name()).toString();
  }

  /** The {@code id} of {@code {"id": 1}}. */
  static int id(String body) {
    return required(parse(body), "id").asInt();
  }

  /** A schema from {@code {"schema": "...", "schemaType": "AVRO"}}. */
  static Schema schema(String body) {
    return parseSchema(parse(body));
  }

  /** A version from {@code {"subject": "s", "version": 1, "id": 2, "schema": "..."}}. */
  static SchemaVersion schemaVersion(String body, String subject) {
    JsonNode node = parse(body);
    String answered = node.path("subject").asText(subject);
    return new SchemaVersion(
        answered,
        required(node, "version").asInt(),
        required(node, "id").asInt(),
        parseSchema(node));
  }

  /** {@code ["a", "b"]}. */
  static List<String> strings(String body) {
    List<String> values = new ArrayList<>();
    parse(body).forEach(value -> values.add(value.asText()));
    return values;
  }

  /** {@code [1, 2, 3]}. */
  static List<Integer> ints(String body) {
    List<Integer> values = new ArrayList<>();
    parse(body).forEach(value -> values.add(value.asInt()));
    return values;
  }

  /** {@code 3}. */
  static int integer(String body) {
    return parse(body).asInt();
  }

  /** {@code {"is_compatible": false, "messages": ["..."]}}. */
  static CompatibilityResult compatibility(String body) {
    JsonNode node = parse(body);
    List<String> messages = new ArrayList<>();
    node.path("messages").forEach(m -> messages.add(m.isTextual() ? m.asText() : m.toString()));
    return new CompatibilityResult(required(node, "is_compatible").asBoolean(), messages);
  }

  /** {@code {"compatibilityLevel": "FULL"}} (GET) or {@code {"compatibility": "FULL"}} (PUT). */
  static CompatibilityLevel level(String body) {
    JsonNode node = parse(body);
    JsonNode level =
        node.has("compatibilityLevel") ? node.get("compatibilityLevel") : node.get("compatibility");
    if (level == null) {
      throw malformed("no compatibilityLevel");
    }
    try {
      return CompatibilityLevel.parse(level.asText());
    } catch (IllegalArgumentException e) {
      throw malformed(e.getMessage());
    }
  }

  /** The exception for a 4xx/5xx answer; the body is read only for its code and message. */
  static RegistryException error(int status, String body) {
    try {
      JsonNode node = MAPPER.readTree(body);
      if (node != null && node.has("error_code")) {
        return new RegistryException(
            node.path("message").asText("HTTP " + status), status, node.get("error_code").asInt());
      }
    } catch (JsonProcessingException e) {
      // not a Confluent error body (a proxy's HTML page, say): fall through to the status alone
    }
    return new RegistryException("registry answered HTTP " + status, status, status);
  }

  private static Schema parseSchema(JsonNode node) {
    String type = node.path("schemaType").asText("AVRO");
    if (!"AVRO".equals(type)) {
      throw malformed("schemaType " + type + " is not supported, only AVRO");
    }
    try {
      return new Schema.Parser().parse(required(node, "schema").asText());
    } catch (SchemaParseException e) {
      throw new RegistryException("registry returned an invalid Avro schema", 200, 0, e);
    }
  }

  private static JsonNode required(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw malformed("no '" + field + "' in the answer");
    }
    return value;
  }

  private static JsonNode parse(String body) {
    try {
      return MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new RegistryException("registry answered with malformed JSON", 200, 0, e);
    }
  }

  private static RegistryException malformed(String detail) {
    return new RegistryException("unexpected answer from registry: " + detail, 200, 0);
  }
}
