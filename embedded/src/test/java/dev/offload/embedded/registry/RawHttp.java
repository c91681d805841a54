package dev.offload.embedded.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import org.apache.avro.Schema;

/** Plain HTTP requests to the registry, to check exact statuses, media types and bodies. */
final class RawHttp {
  static final String V1 = "application/vnd.schemaregistry.v1+json";
  static final ObjectMapper MAPPER = new ObjectMapper();

  private final HttpClient client = HttpClient.newHttpClient();
  private final String base;

  RawHttp(String base) {
    this.base = base;
  }

  /** One answer. */
  record Response(int status, String contentType, String body) {
    JsonNode json() {
      return parse(body);
    }

    int errorCode() {
      return json().path("error_code").asInt();
    }

    String message() {
      return json().path("message").asText();
    }
  }

  /** {@code json} as a tree. */
  static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }

  /** {@code {"schema": "..."}}, the body of register, lookup and compatibility requests. */
  static String schemaBody(Schema schema) {
    return MAPPER.createObjectNode().put("schema", schema.toString()).toString();
  }

  /** {@code {"compatibility": "FULL"}}. */
  static String levelBody(String level) {
    return MAPPER.createObjectNode().put("compatibility", level).toString();
  }

  Response get(String path) {
    return send("GET", path, null, V1, V1);
  }

  Response delete(String path) {
    return send("DELETE", path, null, V1, V1);
  }

  Response post(String path, String body) {
    return send("POST", path, body, V1, V1);
  }

  Response put(String path, String body) {
    return send("PUT", path, body, V1, V1);
  }

  Response send(String method, String path, String body, String contentType, String accept) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(20))
            .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
    if (body != null && contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (accept != null) {
      request.header("Accept", accept);
    }
    try {
      var response = client.send(request.build(), BodyHandlers.ofString());
      String type = response.headers().firstValue("Content-Type").orElse(null);
      return new Response(response.statusCode(), type, response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
