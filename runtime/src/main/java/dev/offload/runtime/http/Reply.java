package dev.offload.runtime.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.Objects;

/**
 * One answer of a {@link HealthServer} route: a status, a content type and a body.
 *
 * @param status the HTTP status
 * @param contentType the {@code Content-Type} header
 * @param body the body, sent as UTF-8
 */
public record Reply(int status, String contentType, String body) {
  /** Content type of JSON answers. */
  public static final String JSON = "application/json";

  /** Content type of plain-text answers. */
  public static final String TEXT = "text/plain";

  /** Content type of {@code /metrics}: the Prometheus text format. */
  public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Checks that nothing is missing. */
  public Reply {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(body, "body");
  }

  /** {@code value} written as JSON by Jackson (maps keep their order, records their fields'). */
  public static Reply json(int status, Object value) {
    try {
      return new Reply(status, JSON, MAPPER.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + value.getClass() + " as JSON", e);
    }
  }

  /** 200 with {@code value} as JSON. */
  public static Reply ok(Object value) {
    return json(200, value);
  }

  /** {@code {"error": message}} with {@code status}; the message may be {@code null}. */
  public static Reply error(int status, String message) {
    return json(status, Collections.singletonMap("error", message));
  }

  /** A plain-text answer. */
  public static Reply text(int status, String body) {
    return new Reply(status, TEXT, body);
  }
}
