package dev.offload.embedded.registry.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.offload.schemas.registry.CompatibilityLevel;
import dev.offload.schemas.registry.RegistryException;
import io.vertx.ext.web.RoutingContext;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

/** Reads the parts of a REST request: bodies, version ids, schema ids, flags. */
final class RegistryRequests {
  /** The version id that stands for the subject's newest live version. */
  static final int LATEST = -1;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private RegistryRequests() {}

  /**
   * The Avro schema of a {@code {"schema": "...", "schemaType": "AVRO"}} body.
   *
   * @throws RegistryException 42201 for a missing or invalid schema, another schema type or schema
   *     references
   */
  static Schema schema(RoutingContext ctx) {
    JsonNode body = body(ctx);
    String type = body.path("schemaType").asText("AVRO");
    if (!"AVRO".equals(type)) {
      throw RegistryErrors.invalidSchema(
          "schema type " + type + " is not supported; this registry serves AVRO schemas only");
    }
    if (body.path("references").size() > 0) {
      throw RegistryErrors.invalidSchema("schema references are not supported");
    }
    JsonNode text = body.get("schema");
    if (text == null || !text.isTextual() || text.asText().isBlank()) {
      throw RegistryErrors.invalidSchema("the body has no 'schema' string");
    }
    try {
      return new Schema.Parser().parse(text.asText());
    } catch (AvroRuntimeException | IllegalArgumentException e) {
      throw RegistryErrors.invalidSchema(e.getMessage());
    }
  }

  /**
   * The level of a {@code {"compatibility": "FULL"}} body.
   *
   * @throws RegistryException 42203 for a missing or unknown level
   */
  static CompatibilityLevel level(RoutingContext ctx) {
    JsonNode level = body(ctx).get("compatibility");
    String text = level == null || level.isNull() ? null : level.asText();
    try {
      return CompatibilityLevel.parse(text);
    } catch (IllegalArgumentException e) {
      throw RegistryErrors.invalidLevel(text);
    }
  }

  /**
   * The version path parameter: a positive number, or {@link #LATEST} for {@code latest} and {@code
   * -1}.
   *
   * @throws RegistryException 42202 for anything else
   */
  static int version(RoutingContext ctx) {
    String raw = ctx.pathParam("version");
    if ("latest".equals(raw)) {
      return LATEST;
    }
    try {
      int version = Integer.parseInt(raw);
      if (version == LATEST || version >= 1) {
        return version;
      }
    } catch (NumberFormatException e) {
      // not a number: refused below, as Confluent refuses it
    }
    throw RegistryErrors.invalidVersion(raw);
  }

  /**
   * The schema id path parameter.
   *
   * @throws RegistryException 40403 when it is not a number, since no schema can have it
   */
  static int id(RoutingContext ctx) {
    String raw = ctx.pathParam("id");
    try {
      return Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      throw RegistryErrors.schemaNotFound("Schema " + raw + " not found");
    }
  }

  /** The subject path parameter, decoded. */
  static String subject(RoutingContext ctx) {
    return ctx.pathParam("subject");
  }

  /** Whether query parameter {@code name} is {@code true}. */
  static boolean flag(RoutingContext ctx, String name) {
    return Boolean.parseBoolean(ctx.queryParams().get(name));
  }

  private static JsonNode body(RoutingContext ctx) {
    String text = ctx.body() == null ? null : ctx.body().asString();
    if (text == null || text.isBlank()) {
      throw new RegistryException("The request has no JSON body", 400, 400);
    }
    try {
      JsonNode node = MAPPER.readTree(text);
      if (!node.isObject()) {
        throw new RegistryException("The request body is not a JSON object", 422, 422);
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new RegistryException(
          "Unrecognized JSON in the request body: " + e.getOriginalMessage(), 400, 400);
    }
  }
}
