package dev.offload.producers.internal;

import dev.offload.schemas.EventTypes;
import io.vertx.core.json.JsonObject;

/**
 * An error answer of the API: an HTTP status and the JSON body {@code {"error", "message",
 * "field"}}, where {@code error} is a stable machine-readable code and {@code field} names the JSON
 * member or header at fault (absent when no single field is).
 */
public record ApiError(int status, String code, String message, String field) {

  /** Seconds a client should wait before retrying after {@link #databaseUnavailable()}. */
  public static final int RETRY_AFTER_SECONDS = 5;

  private static final int MAX_ECHO = 120;

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

  /** An unexpected failure inside the API. */
  public static ApiError internal() {
    return new ApiError(500, "internal-error", "unexpected error; nothing was accepted", null);
  }

  /** The JSON body of this answer. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("error", code).put("message", message);
    return field == null ? json : json.put("field", field);
  }

  private static String echo(String value) {
    return value.length() <= MAX_ECHO ? value : value.substring(0, MAX_ECHO) + "…";
  }
}
