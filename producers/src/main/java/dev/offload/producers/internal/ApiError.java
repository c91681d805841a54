package dev.offload.producers.internal;

import dev.offload.producers.validation.Violation;
import dev.offload.schemas.EventTypes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * An error answer of the API: an HTTP status and the JSON body {@code {"error", "message",
 * "field"}}, where {@code error} is a stable machine-readable code and {@code field} names the JSON
 * member or header at fault (absent when no single field is). Some errors add members ({@code
 * details}): {@code knownTypes} to {@code unknown-event-type}, {@code violations} to a schema
 * violation.
 */
public record ApiError(int status, String code, String message, String field, JsonObject details) {

  /** Seconds a client should wait before retrying after a {@code 503}. */
  public static final int RETRY_AFTER_SECONDS = 5;

  /** Header of idempotent requests. */
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private static final String RETRY_AFTER = "retryAfterSeconds";
  private static final int MAX_ECHO = 120;

  /** Keeps {@code details} apart from the caller's copy; {@code null} means none. */
  public ApiError {
    details = details == null ? null : details.copy();
  }

  /** An error without members beyond {@code error}, {@code message} and {@code field}. */
  public ApiError(int status, String code, String message, String field) {
    this(status, code, message, field, null);
  }

  /** The path's event type is not kebab-case. */
  public static ApiError invalidEventType(String type) {
    return new ApiError(
        400,
        "invalid-event-type",
        "event type '"
            + echo(type)
            + "' must be kebab-case: lower-case letters, digits and single hyphens, starting with"
            + " a letter, at most "
            + EventTypes.MAX_LENGTH
            + " characters",
        "type");
  }

  /** The request does not declare a JSON body. */
  public static ApiError unsupportedMediaType(String contentType) {
    return new ApiError(
        415,
        "unsupported-media-type",
        "Content-Type must be application/json, was: "
            + (contentType == null ? "(none)" : echo(contentType)),
        "Content-Type");
  }

  /** The body is not JSON, or not a JSON object. */
  public static ApiError malformedBody(String message) {
    return new ApiError(400, "malformed-json", message, "body");
  }

  /** The body's {@code key} is missing or unusable. */
  public static ApiError invalidKey(String message) {
    return new ApiError(400, "invalid-key", message, "key");
  }

  /** The body's {@code data} is missing or unusable. */
  public static ApiError invalidData(String message) {
    return new ApiError(400, "invalid-data", message, "data");
  }

  /**
   * No schema is registered for the event type: {@code 404} listing the types that have one.
   *
   * @param subject the registry subject that was looked up
   */
  public static ApiError unknownEventType(String type, String subject, List<String> knownTypes) {
    return new ApiError(
        404,
        "unknown-event-type",
        "no schema is registered for event type '"
            + echo(type)
            + "' (subject "
            + echo(subject)
            + "); register one to publish this type",
        "type",
        new JsonObject().put("knownTypes", new JsonArray(List.copyOf(knownTypes))));
  }

  /**
   * The body's {@code data} does not match the type's schema: {@code 400} listing every violation
   * as {@code {"field", "message"}}.
   *
   * @param truncated whether more violations were found than listed
   */
  public static ApiError schemaViolations(
      String type, int version, List<Violation> violations, boolean truncated) {
    JsonArray listed = new JsonArray();
    violations.forEach(
        v -> listed.add(new JsonObject().put("field", v.field()).put("message", v.message())));
    String count =
        truncated
            ? "more than " + violations.size() + " violations (the first are listed)"
            : violations.size() + (violations.size() == 1 ? " violation" : " violations");
    return new ApiError(
        400,
        "invalid-data",
        "data does not match the schema of '" + type + "' (version " + version + "): " + count,
        "data",
        new JsonObject().put("violations", listed));
  }

  /** The schema registry failed or could not be reached; nothing was accepted. */
  public static ApiError schemaRegistryUnavailable() {
    return new ApiError(
        503,
        "schema-registry-unavailable",
        "the event was not accepted because the schema registry is unavailable; retry later",
        null);
  }

  /** The schema registry could not list the event types. */
  public static ApiError eventTypesUnavailable() {
    return new ApiError(
        503,
        "schema-registry-unavailable",
        "the event types cannot be listed because the schema registry is unavailable; retry later",
        null);
  }

  /** The body is longer than the configured limit. */
  public static ApiError payloadTooLarge(long maxBodyBytes) {
    return new ApiError(
        413,
        "payload-too-large",
        "request body must be at most " + maxBodyBytes + " bytes",
        "body");
  }

  /** No route has this path. */
  public static ApiError notFound(String path) {
    return new ApiError(404, "not-found", "no resource at " + echo(path), "path");
  }

  /** The path exists, but not for this method. */
  public static ApiError methodNotAllowed(String method, String path) {
    return new ApiError(
        405, "method-not-allowed", method + " is not allowed on " + echo(path), "method");
  }

  /** The database failed or could not be reached; nothing was accepted. */
  public static ApiError databaseUnavailable() {
    return new ApiError(
        503,
        "database-unavailable",
        "the event was not accepted because the database is unavailable; retry later",
        null);
  }

  /**
   * The database failed, could not be reached, or its circuit breaker is open: {@code 503} with
   * {@code retryAfterSeconds} (also sent as {@code Retry-After}).
   */
  public static ApiError databaseUnavailable(long retryAfterSeconds) {
    return new ApiError(
        503,
        "database-unavailable",
        "the event was not accepted because the database is unavailable; retry later",
        null,
        new JsonObject().put(RETRY_AFTER, retryAfterSeconds));
  }

  /**
   * No replication slot captures the database yet, so an event written now would never reach Kafka:
   * {@code 503} with {@code Retry-After}.
   */
  public static ApiError captureNotReady() {
    return new ApiError(
        503,
        "capture-not-ready",
        "the event was not accepted because no replication slot captures the outbox yet, so it"
            + " would never reach Kafka; start the connector (offload connector) once, then retry",
        null,
        new JsonObject().put(RETRY_AFTER, 1));
  }

  /** The request carries no API key, and the API requires one. */
  public static ApiError missingApiKey() {
    return new ApiError(
        401,
        "missing-api-key",
        "an API key is required: send 'Authorization: Bearer <key>' (offload apps create issues"
            + " one)",
        "Authorization");
  }

  /** The request's API key is malformed or belongs to no app. */
  public static ApiError invalidApiKey(String message) {
    return new ApiError(401, "invalid-api-key", message, "Authorization");
  }

  /** The request's API key belongs to a revoked app. */
  public static ApiError revokedApiKey() {
    return new ApiError(401, "revoked-api-key", "the API key has been revoked", "Authorization");
  }

  /** The app may not publish events of {@code type}. */
  public static ApiError forbiddenEventType(String app, String type) {
    return new ApiError(
        403,
        "forbidden-event-type",
        "app '" + app + "' may not publish events of type '" + echo(type) + "'",
        "type");
  }

  /** The app published faster than its rate limit. */
  public static ApiError rateLimited(String app, long retryAfterSeconds) {
    return new ApiError(
        429,
        "rate-limited",
        "app '"
            + app
            + "' is publishing faster than its rate limit; retry after "
            + retryAfterSeconds
            + " s",
        null,
        new JsonObject().put(RETRY_AFTER, retryAfterSeconds));
  }

  /** A batch holds more events than allowed. */
  public static ApiError tooManyEvents(int max, int count) {
    return new ApiError(
        413,
        "too-many-events",
        "a batch holds at most " + max + " events, this one has " + count,
        "events",
        new JsonObject().put("limit", "maxBatchEvents").put("max", max));
  }

  /** The batch body is not {@code {"events": [...]}} with at least one event. */
  public static ApiError invalidBatch(String message) {
    return new ApiError(400, "invalid-batch", message, "events");
  }

  /** The body exceeds a JSON parsing limit ({@code limit} names it, {@code max} is its value). */
  public static ApiError limitExceeded(String limit, long max, String what) {
    return new ApiError(
        400,
        "limit-exceeded",
        what + " exceeds the limit " + limit + " of " + max,
        "body",
        new JsonObject().put("limit", limit).put("max", max));
  }

  /** The body is not valid UTF-8. */
  public static ApiError invalidEncoding(long offset) {
    return new ApiError(
        400,
        "invalid-encoding",
        "body is not valid UTF-8: invalid byte sequence at byte offset " + offset,
        "body");
  }

  /** The body did not arrive in full (a {@code Content-Length} larger than what was sent). */
  public static ApiError incompleteBody(long timeoutMillis) {
    return new ApiError(
        400,
        "incomplete-body",
        "the request body did not arrive in full within "
            + timeoutMillis
            + " ms; check that Content-Length matches the body",
        "body");
  }

  /** The request took longer than the request timeout; it may or may not have been written. */
  public static ApiError timeout(long timeoutMillis) {
    return new ApiError(
        503,
        "timeout",
        "no answer within "
            + timeoutMillis
            + " ms; the request may or may not have been accepted: retry with the same"
            + " Idempotency-Key to be sure",
        null,
        new JsonObject().put(RETRY_AFTER, (long) RETRY_AFTER_SECONDS));
  }

  /** The {@code Idempotency-Key} header is unusable. */
  public static ApiError invalidIdempotencyKey(String message) {
    return new ApiError(400, "invalid-idempotency-key", message, IDEMPOTENCY_KEY);
  }

  /** The {@code Idempotency-Key} was used before with a different request. */
  public static ApiError idempotencyKeyReused() {
    return new ApiError(
        422,
        "idempotency-key-reused",
        "this Idempotency-Key was used for a different request; use a new key for a new request",
        IDEMPOTENCY_KEY);
  }

  /**
   * This error as found in event {@code index} of a batch: {@code field} (and each violation's)
   * prefixed with {@code events[index].}, and {@code index} added.
   */
  public ApiError inBatch(int index) {
    String prefix = "events[" + index + "]";
    JsonObject more = details == null ? new JsonObject() : details.copy();
    JsonArray violations = more.getJsonArray("violations");
    if (violations != null) {
      JsonArray prefixed = new JsonArray();
      for (Object v : violations) {
        JsonObject violation = ((JsonObject) v).copy();
        violation.put("field", prefix + "." + violation.getString("field"));
        prefixed.add(violation);
      }
      more.put("violations", prefixed);
    }
    more.put("index", index);
    String at = field == null ? prefix : prefix + "." + field;
    return new ApiError(status, code, "events[" + index + "]: " + message, at, more);
  }

  /** Seconds to send as {@code Retry-After}, when the error says. */
  public Long retryAfterSeconds() {
    return details == null ? null : details.getLong(RETRY_AFTER);
  }

  /** An unexpected failure inside the API. */
  public static ApiError internal() {
    return new ApiError(500, "internal-error", "unexpected error; nothing was accepted", null);
  }

  /** The JSON body of this answer. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("error", code).put("message", message);
    if (field != null) {
      json.put("field", field);
    }
    return details == null ? json : json.mergeIn(details.copy());
  }

  private static String echo(String value) {
    return value.length() <= MAX_ECHO ? value : value.substring(0, MAX_ECHO) + "…";
  }
}
