package dev.offload.producers.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventRequestValidatorTest {

  @Test
  void acceptsAKeyAndAnObject() {
    EventRequest event =
        EventRequestValidator.parse(
            "user-signed-up", body("{\"key\":\"user-42\",\"data\":{\"plan\":\"pro\",\"n\":[1]}}"));

    assertThat(event.type()).isEqualTo("user-signed-up");
    assertThat(event.key()).isEqualTo("user-42");
    assertThat(event.data().getString("plan")).isEqualTo("pro");
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

  private static EventRequest parse(String json) {
    return EventRequestValidator.parse("user-signed-up", body(json));
  }

  private static Buffer body(String json) {
    return Buffer.buffer(json);
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
