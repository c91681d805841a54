package dev.offload.producers.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.offload.producers.validation.JsonToAvro;
import dev.offload.producers.validation.ValidationException;
import dev.offload.schemas.registry.RegistryException;
import dev.offload.schemas.registry.SchemaVersion;
import io.vertx.core.Future;
import org.apache.avro.generic.GenericContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a publish request's {@code data} against the latest schema of its event type and turns it
 * into the outbox payload: with a schema registry the Confluent-framed Avro of the data; without
 * one (schemaless) any data passes and the payload is its UTF-8 JSON.
 */
public final class SchemaCheck {
  private static final Logger log = LoggerFactory.getLogger(SchemaCheck.class);

  /** Writes schemaless payloads: compact JSON, numbers as parsed (exact decimals). */
  private static final ObjectMapper JSON = JsonMapper.builder().build();

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
   * Checks {@code event}'s data against {@code schema} and encodes it as the outbox payload: the
   * record in the Confluent wire format with {@code schema}'s id, or, when {@code schema} is {@code
   * null}, the compact UTF-8 JSON of the data.
   *
   * @throws RejectedRequest {@code 400 invalid-data} listing every violation; the future fails with
   *     {@code 503 schema-registry-unavailable} when the registry cannot tell the schema id
   */
  public Future<byte[]> payload(SchemaVersion schema, EventRequest event) {
    if (schema == null) {
      try {
        return Future.succeededFuture(JSON.writeValueAsBytes(event.data()));
      } catch (JsonProcessingException e) {
        return Future.failedFuture(e);
      }
    }
    Object value;
    try {
      value = JsonToAvro.toAvro(event.data(), schema.schema());
    } catch (ValidationException e) {
      throw new RejectedRequest(
          ApiError.schemaViolations(event.type(), schema.version(), e.violations(), e.truncated()));
    }
    if (!(value instanceof GenericContainer record)) {
      // A map or primitive at the top cannot be framed: a registry mistake, not the client's.
      return Future.failedFuture(
          new IllegalStateException(
              "the schema of event type '"
                  + event.type()
                  + "' is a "
                  + schema.schema().getType()
                  + ", not a record: Offload events are Avro records"));
    }
    return schemas
        .frame(event.type(), record)
        .recover(
            failure -> {
              if (!(failure.getCause() instanceof RegistryException)) {
                return Future.failedFuture(failure);
              }
              log.warn("Schema registry failed, answering 503: {}", failure.toString());
              return Future.failedFuture(new RejectedRequest(ApiError.schemaRegistryUnavailable()));
            });
  }
}
