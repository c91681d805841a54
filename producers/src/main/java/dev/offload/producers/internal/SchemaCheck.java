package dev.offload.producers.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.offload.producers.validation.JsonToAvro;
import dev.offload.producers.validation.ValidationException;
import dev.offload.schemas.registry.SchemaVersion;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a publish request's {@code data} against the latest schema of its event type, when the API
 * has a schema registry; does nothing when it has none.
 */
public final class SchemaCheck {
  private static final Logger log = LoggerFactory.getLogger(SchemaCheck.class);

  // Floats as exact BigDecimals, so range and decimal-scale checks see the digits that were sent.
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .build();

  private final EventSchemas schemas;

  private SchemaCheck(EventSchemas schemas) {
    this.schemas = schemas;
  }

  /** A check that accepts any data: the API without a schema registry. */
  public static SchemaCheck disabled() {
    return new SchemaCheck(null);
  }

  /** A check against the latest schemas of {@code schemas}. */
  public static SchemaCheck against(EventSchemas schemas) {
    return new SchemaCheck(schemas);
  }

  /**
   * The schema that {@code type}'s data must match; {@code null} when the check is disabled.
   *
   * <p>Fails with a {@link RejectedRequest}: {@code 404 unknown-event-type} when the type has no
   * schema, {@code 503 schema-registry-unavailable} when the registry fails.
   */
  public Future<SchemaVersion> schemaOf(String type) {
    if (schemas == null) {
      return Future.succeededFuture();
    }
    return schemas
        .latest(type)
        .transform(
            found -> {
              if (found.failed()) {
                log.warn("Schema registry failed, answering 503: {}", found.cause().toString());
                return Future.failedFuture(
                    new RejectedRequest(ApiError.schemaRegistryUnavailable()));
              }
              EventSchemas.Lookup lookup = found.result();
              if (lookup.schema() == null) {
                ApiError unknown =
                    ApiError.unknownEventType(
                        type, EventSchemas.subjectOf(type), lookup.knownTypes());
                return Future.failedFuture(new RejectedRequest(unknown));
              }
              return Future.succeededFuture(lookup.schema());
            });
  }

  /**
   * Checks the {@code data} member of {@code body}, a request that {@link EventRequestValidator}
   * accepted, against {@code schema}; does nothing when {@code schema} is {@code null}.
   *
   * @throws RejectedRequest {@code 400 invalid-data} listing every violation
   */
  public void check(String type, SchemaVersion schema, Buffer body) {
    if (schema == null) {
      return;
    }
    try {
      JsonToAvro.toAvro(data(body), schema.schema());
    } catch (ValidationException e) {
      throw new RejectedRequest(
          ApiError.schemaViolations(type, schema.version(), e.violations(), e.truncated()));
    }
  }

  private static JsonNode data(Buffer body) {
    try {
      return JSON.readTree(body.getBytes()).get("data");
    } catch (JacksonException e) {
      throw new RejectedRequest(ApiError.malformedBody("body is not valid JSON"));
    } catch (IOException e) {
      throw new IllegalStateException("reading a byte array cannot fail", e);
    }
  }
}
