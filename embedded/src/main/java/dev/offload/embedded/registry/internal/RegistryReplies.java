package dev.offload.embedded.registry.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offload.schemas.registry.RegistryException;
import dev.offload.schemas.registry.SchemaVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** Writes REST answers: JSON in the content type the client accepts, Confluent's error body. */
final class RegistryReplies {
  /** The registry's own media type, answered unless the client accepts only plain JSON. */
  static final String V1_JSON = "application/vnd.schemaregistry.v1+json";

  /** The media types a request body may have. */
  static final List<String> REQUEST_TYPES =
      List.of(
          V1_JSON,
          "application/vnd.schemaregistry+json",
          "application/json",
          "application/octet-stream");

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private RegistryReplies() {}

  /** Answers 200 with {@code body} as JSON. */
  static void ok(RoutingContext ctx, Object body) {
    send(ctx, 200, json(body));
  }

  /** Answers with Confluent's error body: {@code {"error_code": 40401, "message": "..."}}. */
  static void error(RoutingContext ctx, RegistryException e) {
    error(ctx, e.httpStatus(), e.errorCode(), e.getMessage());
  }

  /** Answers with Confluent's error body. */
  static void error(RoutingContext ctx, int status, int code, String message) {
    ObjectNode body = MAPPER.createObjectNode().put("error_code", code).put("message", message);
    send(ctx, status, body.toString());
  }

  /** {@code {"subject": "s", "version": 1, "id": 2, "schema": "..."}}. */
  static ObjectNode version(SchemaVersion version) {
    return MAPPER
        .createObjectNode()
        .put("subject", version.subject())
        .put("version", version.version())
        .put("id", version.id())
        .put("schema", version.schema().toString());
  }

  /** A fresh JSON object. */
  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** The schema itself as a JSON value (for the {@code …/schema} endpoints). */
  static Object raw(org.apache.avro.Schema schema) {
    try {
      return MAPPER.readTree(schema.toString());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Avro wrote a schema that is not JSON: " + schema, e);
    }
  }

  private static String json(Object body) {
    try {
      return MAPPER.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write answer " + body, e);
    }
  }

  private static void send(RoutingContext ctx, int status, String body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", contentType(ctx.request().getHeader("Accept")))
        .end(body);
  }

  private static String contentType(String accept) {
    if (accept == null || accept.contains("vnd.schemaregistry") || accept.contains("*/*")) {
      return V1_JSON;
    }
    return accept.contains("application/json") ? "application/json" : V1_JSON;
  }
}
