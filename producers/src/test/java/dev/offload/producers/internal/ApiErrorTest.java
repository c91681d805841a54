package dev.offload.producers.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.producers.validation.Violation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiErrorTest {

  @Test
  void unknownEventTypeListsTheKnownTypes() {
    ApiError error =
        ApiError.unknownEventType(
            "invoice-paid", "offload.events.invoice-paid-value", List.of("a", "b"));

    assertThat(error.status()).isEqualTo(404);
    assertThat(error.toJson())
        .isEqualTo(
            new JsonObject()
                .put("error", "unknown-event-type")
                .put(
                    "message",
                    "no schema is registered for event type 'invoice-paid' (subject"
                        + " offload.events.invoice-paid-value); register one to publish this type")
                .put("field", "type")
                .put("knownTypes", new JsonArray().add("a").add("b")));
  }

  @Test
  void schemaViolationsListEveryViolation() {
    List<Violation> violations =
        List.of(
            new Violation("data.email", "expected string, got number"),
            new Violation("data.name", "missing required field"));

    JsonObject body = ApiError.schemaViolations("user-signed-up", 3, violations, false).toJson();

    assertThat(body.getString("error")).isEqualTo("invalid-data");
    assertThat(body.getString("field")).isEqualTo("data");
    assertThat(body.getString("message"))
        .isEqualTo("data does not match the schema of 'user-signed-up' (version 3): 2 violations");
    assertThat(body.getJsonArray("violations"))
        .isEqualTo(
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("field", "data.email")
                        .put("message", "expected string, got number"))
                .add(
                    new JsonObject()
                        .put("field", "data.name")
                        .put("message", "missing required field")));
  }

  @Test
  void truncatedViolationsSaySo() {
    List<Violation> one = List.of(new Violation("data.v[0]", "expected int, got string"));

    assertThat(ApiError.schemaViolations("t", 1, one, false).message()).endsWith(": 1 violation");
    assertThat(ApiError.schemaViolations("t", 1, one, true).message())
        .endsWith(": more than 1 violations (the first are listed)");
  }

  @Test
  void registryOutageIsA503WithoutField() {
    ApiError error = ApiError.schemaRegistryUnavailable();

    assertThat(error.status()).isEqualTo(503);
    assertThat(error.toJson().fieldNames()).containsExactly("error", "message");
  }

  @Test
  void detailsAreCopiedSoTheAnswerCannotChangeAfterwards() {
    JsonObject details = new JsonObject().put("extra", 1);
    ApiError error = new ApiError(400, "code", "message", null, details);

    details.put("extra", 2);
    error.toJson().put("extra", 3);

    assertThat(error.toJson().getInteger("extra")).isEqualTo(1);
  }
}
