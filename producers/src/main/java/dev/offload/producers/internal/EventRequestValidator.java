package dev.offload.producers.internal;

import dev.offload.schemas.EventTypes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Map;

/**
 * Checks a publish request ({@code POST /v1/events/{type}} with body {@code {"key", "data"}}) and
 * turns it into an {@link EventRequest}, or a {@link RejectedRequest} naming the field at fault.
 *
 * <p>The checks that need no body ({@link #checkType}, {@link #checkContentType}) run before the
 * body is read.
 */
public final class EventRequestValidator {
  /** Longest key: the width of the outbox {@code aggregateid} column. */
  public static final int MAX_KEY_LENGTH = 255;

  private static final String JSON = "application/json";

  private EventRequestValidator() {}

  /** Rejects an event type that is not kebab-case. */
  public static void checkType(String type) {
    if (!EventTypes.isValid(type)) {
      throw new RejectedRequest(ApiError.invalidEventType(type == null ? "" : type));
    }
  }

  /** Rejects a {@code Content-Type} other than {@code application/json} (parameters allowed). */
  public static void checkContentType(String contentType) {
    if (contentType == null) {
      throw new RejectedRequest(ApiError.unsupportedMediaType(null));
    }
    int semicolon = contentType.indexOf(';');
    String mediaType = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    if (!mediaType.trim().toLowerCase(Locale.ROOT).equals(JSON)) {
      throw new RejectedRequest(ApiError.unsupportedMediaType(contentType));
    }
  }

  /**
   * Parses and checks the body of a request whose type and content type passed.
   *
   * @param body the raw body, {@code null} when there was none
   * @throws RejectedRequest naming {@code body}, {@code key} or {@code data}
   */
  public static EventRequest parse(String type, Buffer body) {
    JsonObject json = parseObject(body);
    return new EventRequest(type, key(json), data(json));
  }

  private static JsonObject parseObject(Buffer body) {
    if (body == null || body.length() == 0) {
      throw new RejectedRequest(ApiError.malformedBody("body is empty; expected a JSON object"));
    }
    Object value;
    try {
      value = Json.decodeValue(body);
    } catch (DecodeException e) {
      throw new RejectedRequest(ApiError.malformedBody("body is not valid JSON"));
    }
    if (!(value instanceof JsonObject)) {
      throw new RejectedRequest(
          ApiError.malformedBody("body must be a JSON object with \"key\" and \"data\""));
    }
    return (JsonObject) value;
  }

  private static String key(JsonObject json) {
    Object key = json.getValue("key");
    if (key == null) {
      throw new RejectedRequest(ApiError.invalidKey("key is required"));
    }
    if (!(key instanceof String)) {
      throw new RejectedRequest(ApiError.invalidKey("key must be a string"));
    }
    String text = (String) key;
    if (text.isBlank()) {
      throw new RejectedRequest(ApiError.invalidKey("key must not be blank"));
    }
    if (text.codePointCount(0, text.length()) > MAX_KEY_LENGTH) {
      throw new RejectedRequest(
          ApiError.invalidKey("key must be at most " + MAX_KEY_LENGTH + " characters"));
    }
    if (text.indexOf('\0') >= 0) {
      throw new RejectedRequest(ApiError.invalidKey("key must not contain the NUL character"));
    }
    return text;
  }

  private static JsonObject data(JsonObject json) {
    if (!json.containsKey("data")) {
      throw new RejectedRequest(ApiError.invalidData("data is required"));
    }
    Object data = json.getValue("data");
    if (!(data instanceof JsonObject)) {
      throw new RejectedRequest(ApiError.invalidData("data must be a JSON object"));
    }
    if (containsNul(data)) {
      // PostgreSQL's jsonb cannot store U+0000; refusing here keeps it a client error, not a 503.
      throw new RejectedRequest(
          ApiError.invalidData("data must not contain the NUL character (\\u0000)"));
    }
    return (JsonObject) data;
  }

  private static boolean containsNul(Object value) {
    if (value instanceof String) {
      return ((String) value).indexOf('\0') >= 0;
    }
    if (value instanceof JsonObject) {
      for (Map.Entry<String, Object> member : (JsonObject) value) {
        if (member.getKey().indexOf('\0') >= 0 || containsNul(member.getValue())) {
          return true;
        }
      }
    } else if (value instanceof JsonArray) {
      for (Object element : (JsonArray) value) {
        if (containsNul(element)) {
          return true;
        }
      }
    }
    return false;
  }
}
