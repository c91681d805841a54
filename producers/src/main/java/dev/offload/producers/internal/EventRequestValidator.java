package dev.offload.producers.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.schemas.EventTypes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks publish requests and turns them into {@link EventRequest}s, or a {@link RejectedRequest}
 * naming the field at fault: {@code POST /v1/events/{type}} with body {@code {"key", "data"}}, and
 * {@code POST /v1/events:batch} with body {@code {"events": [{"type", "key", "data"}, ...]}}.
 *
 * <p>The checks that need no body ({@link #checkType}, {@link #checkContentType}, {@link
 * #checkIdempotencyKey}) run before the body is read.
 */
public final class EventRequestValidator {
  /** Longest key: the width of the outbox {@code aggregateid} column. */
  public static final int MAX_KEY_LENGTH = 255;

  /** Longest {@code Idempotency-Key}: the width of its column. */
  public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;

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
   * The request's idempotency key ({@code null} when it has none), checked: one header, 1 to 255
   * printable ASCII characters.
   */
  public static String checkIdempotencyKey(List<String> headers) {
    if (headers.isEmpty()) {
      return null;
    }
    if (headers.size() > 1) {
      throw new RejectedRequest(
          ApiError.invalidIdempotencyKey("send one Idempotency-Key header, not several"));
    }
    String key = headers.get(0);
    if (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
      throw new RejectedRequest(
          ApiError.invalidIdempotencyKey(
              "Idempotency-Key must be 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH + " characters"));
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x21 || c > 0x7E) {
        throw new RejectedRequest(
            ApiError.invalidIdempotencyKey(
                "Idempotency-Key must be printable ASCII without spaces (e.g. a UUID)"));
      }
    }
    return key;
  }

  /**
   * Checks the body of a single-event request whose type and content type passed.
   *
   * @throws RejectedRequest naming {@code key} or {@code data}
   */
  public static EventRequest parse(String type, JsonNode body) {
    return new EventRequest(type, key(body), data(body));
  }

  /**
   * The events of a batch body, each checked; at most {@code maxEvents}.
   *
   * @throws RejectedRequest {@code 400 invalid-batch} when {@code events} is missing, not an array
   *     or empty; {@code 413 too-many-events} beyond {@code maxEvents}; for the first invalid event
   *     an error naming {@code events[i].type}, {@code .key} or {@code .data}
   */
  public static List<EventRequest> parseBatch(JsonNode body, int maxEvents) {
    JsonNode events = body.get("events");
    if (events == null || events.isNull()) {
      throw new RejectedRequest(ApiError.invalidBatch("events is required"));
    }
    if (!events.isArray()) {
      throw new RejectedRequest(ApiError.invalidBatch("events must be an array of events"));
    }
    if (events.isEmpty()) {
      throw new RejectedRequest(ApiError.invalidBatch("events must hold at least one event"));
    }
    if (events.size() > maxEvents) {
      throw new RejectedRequest(ApiError.tooManyEvents(maxEvents, events.size()));
    }
    List<EventRequest> parsed = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      JsonNode event = events.get(i);
      try {
        if (!event.isObject()) {
          throw new RejectedRequest(
              new ApiError(
                  400,
                  "invalid-batch",
                  "each event must be a JSON object with \"type\", \"key\" and \"data\"",
                  null));
        }
        parsed.add(new EventRequest(type(event), key(event), data(event)));
      } catch (RejectedRequest rejected) {
        throw new RejectedRequest(rejected.error().inBatch(i));
      }
    }
    return parsed;
  }

  private static String type(JsonNode event) {
    JsonNode type = event.get("type");
    if (type == null || type.isNull()) {
      throw new RejectedRequest(
          new ApiError(400, "invalid-event-type", "type is required", "type"));
    }
    if (!type.isTextual()) {
      throw new RejectedRequest(
          new ApiError(400, "invalid-event-type", "type must be a string", "type"));
    }
    checkType(type.textValue());
    return type.textValue();
  }

  private static String key(JsonNode json) {
    JsonNode key = json.get("key");
    if (key == null || key.isNull()) {
      throw new RejectedRequest(ApiError.invalidKey("key is required"));
    }
    if (!key.isTextual()) {
      throw new RejectedRequest(ApiError.invalidKey("key must be a string"));
    }
    String text = key.textValue();
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

  private static JsonNode data(JsonNode json) {
    if (!json.has("data")) {
      throw new RejectedRequest(ApiError.invalidData("data is required"));
    }
    JsonNode data = json.get("data");
    if (!data.isObject()) {
      throw new RejectedRequest(ApiError.invalidData("data must be a JSON object"));
    }
    if (containsNul(data)) {
      // Consumers read the data as JSON or Avro strings; a NUL breaks too many of them (and
      // PostgreSQL text), so it is refused at the door as a client error.
      throw new RejectedRequest(
          ApiError.invalidData("data must not contain the NUL character (\\u0000)"));
    }
    return data;
  }

  private static boolean containsNul(JsonNode value) {
    if (value.isTextual()) {
      return value.textValue().indexOf('\0') >= 0;
    }
    if (value.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> member = it.next();
        if (member.getKey().indexOf('\0') >= 0 || containsNul(member.getValue())) {
          return true;
        }
      }
    } else if (value.isArray()) {
      for (JsonNode element : value) {
        if (containsNul(element)) {
          return true;
        }
      }
    }
    return false;
  }
}
