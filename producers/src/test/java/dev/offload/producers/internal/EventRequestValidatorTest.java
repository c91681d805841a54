package dev.offload.producers.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.producers.ApiConfig;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventRequestValidatorTest {

  @Test
  void acceptsAKeyAndAnObject() {
    EventRequest event =
        EventRequestValidator.parse(
            "user-signed-up",
            object("{\"key\":\"user-42\",\"data\":{\"plan\":\"pro\",\"n\":[1]}}"));

    assertThat(event.type()).isEqualTo("user-signed-up");
    assertThat(event.key()).isEqualTo("user-42");
    assertThat(event.data().get("plan").textValue()).isEqualTo("pro");
  }

  @ParameterizedTest
  @ValueSource(strings = {"UserSignedUp", "user_signed_up", "-user", "user--signed", "1user", ""})
  void rejectsATypeThatIsNotKebabCase(String type) {
    assertRejected(() -> EventRequestValidator.checkType(type), 400, "invalid-event-type", "type");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"application/json", "application/json; charset=utf-8", "Application/JSON"})
  void acceptsJsonContentTypes(String contentType) {
    assertThatCode(() -> EventRequestValidator.checkContentType(contentType))
        .doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(strings = {"text/plain", "application/jsonx", "application/x-www-form-urlencoded"})
  void rejectsOtherContentTypes(String contentType) {
    assertRejected(
        () -> EventRequestValidator.checkContentType(contentType),
        415,
        "unsupported-media-type",
        "Content-Type");
  }

  @Test
  void rejectsAMissingContentType() {
    assertRejected(
        () -> EventRequestValidator.checkContentType(null),
        415,
        "unsupported-media-type",
        "Content-Type");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{", "{\"key\":\"k\",}", "not json", "[1,2]", "\"text\"", "{} {}"})
  void rejectsABodyThatIsNotOneJsonObject(String json) {
    assertRejected(() -> parse(json), 400, "malformed-json", "body");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"data\":{}}",
        "{\"key\":null,\"data\":{}}",
        "{\"key\":\"\",\"data\":{}}",
        "{\"key\":\"  \",\"data\":{}}",
        "{\"key\":42,\"data\":{}}",
        "{\"key\":{\"id\":1},\"data\":{}}",
        "{\"key\":\"a\\u0000b\",\"data\":{}}"
      })
  void rejectsAMissingBlankOrNonStringKey(String json) {
    assertRejected(() -> parse(json), 400, "invalid-key", "key");
  }

  @Test
  void limitsTheKeyTo255Characters() {
    String longest = "k".repeat(255);

    assertThat(parse("{\"key\":\"" + longest + "\",\"data\":{}}").key()).isEqualTo(longest);
    assertRejected(
        () -> parse("{\"key\":\"" + longest + "k\",\"data\":{}}"), 400, "invalid-key", "key");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"key\":\"k\"}",
        "{\"key\":\"k\",\"data\":null}",
        "{\"key\":\"k\",\"data\":[]}",
        "{\"key\":\"k\",\"data\":\"text\"}",
        "{\"key\":\"k\",\"data\":1}",
        "{\"key\":\"k\",\"data\":{\"a\":[\"x\\u0000\"]}}"
      })
  void rejectsMissingNonObjectOrUnstorableData(String json) {
    assertRejected(() -> parse(json), 400, "invalid-data", "data");
  }

  @Test
  void batchEventsAreParsedInOrder() {
    List<EventRequest> events =
        EventRequestValidator.parseBatch(
            object(
                "{\"events\":[{\"type\":\"a-b\",\"key\":\"k1\",\"data\":{}},"
                    + "{\"type\":\"c\",\"key\":\"k2\",\"data\":{\"x\":1}}]}"),
            2);

    assertThat(events).extracting(EventRequest::type).containsExactly("a-b", "c");
    assertThat(events).extracting(EventRequest::key).containsExactly("k1", "k2");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{}|invalid-batch|events",
        "{\"events\":{}}|invalid-batch|events",
        "{\"events\":[]}|invalid-batch|events",
        "{\"events\":[1]}|invalid-batch|events[0]",
        "{\"events\":[{\"type\":\"a\",\"key\":\"k\",\"data\":{}},{\"key\":\"k\",\"data\":{}}]}"
            + "|invalid-event-type|events[1].type",
        "{\"events\":[{\"type\":\"A_B\",\"key\":\"k\",\"data\":{}}]}|invalid-event-type|events[0].type",
        "{\"events\":[{\"type\":\"a\",\"key\":7,\"data\":{}}]}|invalid-key|events[0].key",
        "{\"events\":[{\"type\":\"a\",\"key\":\"k\",\"data\":[]}]}|invalid-data|events[0].data"
      })
  void invalidBatchesNameTheEventAndField(String json, String code, String field) {
    assertRejected(() -> EventRequestValidator.parseBatch(object(json), 10), 400, code, field);
  }

  @Test
  void batchOverTheLimitIsTooLarge() {
    String event = "{\"type\":\"a\",\"key\":\"k\",\"data\":{}}";
    assertRejected(
        () ->
            EventRequestValidator.parseBatch(
                object("{\"events\":[" + event + "," + event + "]}"), 1),
        413,
        "too-many-events",
        "events");
  }

  @Test
  void idempotencyKeysAreOnePrintableAsciiHeader() {
    assertThat(EventRequestValidator.checkIdempotencyKey(List.of())).isNull();
    assertThat(EventRequestValidator.checkIdempotencyKey(List.of("order-7"))).isEqualTo("order-7");
    for (List<String> bad :
        List.of(
            List.of(""),
            List.of("a b"),
            List.of("x".repeat(256)),
            List.of("a", "b"),
            List.of("é"))) {
      assertRejected(
          () -> EventRequestValidator.checkIdempotencyKey(bad),
          400,
          "invalid-idempotency-key",
          "Idempotency-Key");
    }
  }

  private static EventRequest parse(String json) {
    return EventRequestValidator.parse("user-signed-up", object(json));
  }

  private static JsonNode object(String json) {
    return new JsonBodies(ApiConfig.LOADER.defaults(Map.of()).limits())
        .parseObject(Buffer.buffer(json), "\"key\" and \"data\"");
  }

  private static void assertRejected(Runnable check, int status, String code, String field) {
    RejectedRequest rejected = catchThrowableOfType(RejectedRequest.class, check::run);

    assertThat(rejected).as("rejection").isNotNull();
    assertThat(rejected.error().status()).isEqualTo(status);
    assertThat(rejected.error().code()).isEqualTo(code);
    assertThat(rejected.error().field()).isEqualTo(field);
    assertThat(rejected.error().message()).isNotBlank();
  }
}
