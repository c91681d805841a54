package dev.offload.producers.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.offload.producers.ApiConfig;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JsonBodiesTest {
  private final JsonBodies bodies =
      new JsonBodies(new ApiConfig.Limits(1024, 10, 4, 20, 10, Duration.ofSeconds(1)));

  @Test
  void readsAnObjectWithExactDecimals() {
    var node = bodies.parseObject(Buffer.buffer("{\"a\":1.50,\"b\":\"é\"}"), "x");

    assertThat(node.get("a").decimalValue()).hasToString("1.50");
    assertThat(new String(bodies.bytes(node), StandardCharsets.UTF_8))
        .isEqualTo("{\"a\":1.50,\"b\":\"é\"}");
  }

  @Test
  void nestingBeyondTheLimitIsNamed() {
    ApiError error = rejected("{\"a\":{\"b\":{\"c\":{\"d\":{}}}}}");

    assertThat(error.code()).isEqualTo("limit-exceeded");
    assertThat(error.toJson().getString("limit")).isEqualTo("maxNestingDepth");
    assertThat(error.toJson().getLong("max")).isEqualTo(4);
    assertThat(error.field()).isEqualTo("body");
  }

  @Test
  void longStringsNumbersAndNamesAreNamed() {
    assertThat(rejected("{\"a\":\"" + "x".repeat(21) + "\"}").toJson().getString("limit"))
        .isEqualTo("maxStringLength");
    assertThat(rejected("{\"" + "n".repeat(21) + "\":1}").toJson().getString("limit"))
        .isEqualTo("maxStringLength");
    assertThat(rejected("{\"a\":" + "9".repeat(11) + "}").toJson().getString("limit"))
        .isEqualTo("maxNumberLength");
    assertThat(rejected("{\"a\":1." + "9".repeat(11) + "}").toJson().getString("limit"))
        .isEqualTo("maxNumberLength");
  }

  @Test
  void invalidUtf8IsRefusedWithItsOffset() {
    byte[] bytes = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
    ApiError error =
        catchThrowableOfType(
                RejectedRequest.class, () -> bodies.parseObject(Buffer.buffer(bytes), "x"))
            .error();

    assertThat(error.code()).isEqualTo("invalid-encoding");
    assertThat(error.message()).contains("offset 6");
  }

  @Test
  void utf8ValidationRejectsOverlongSurrogatesAndTruncation() {
    assertThat(JsonBodies.firstInvalidUtf8("aé€😀".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
    assertThat(JsonBodies.firstInvalidUtf8(new byte[] {'a', (byte) 0xC0, (byte) 0xAF}))
        .isEqualTo(1);
    assertThat(JsonBodies.firstInvalidUtf8(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}))
        .isZero();
    assertThat(JsonBodies.firstInvalidUtf8(new byte[] {'a', 'b', (byte) 0xE2, (byte) 0x82}))
        .isEqualTo(2);
    assertThat(JsonBodies.firstInvalidUtf8(new byte[] {(byte) 0xFF})).isZero();
  }

  @Test
  void duplicateMembersAndTrailingContentAreMalformed() {
    assertThat(rejected("{\"a\":1,\"a\":2}").code()).isEqualTo("malformed-json");
    assertThat(rejected("{\"a\":1} {}").code()).isEqualTo("malformed-json");
    assertThat(rejected("[1]").code()).isEqualTo("malformed-json");
  }

  private ApiError rejected(String json) {
    RejectedRequest rejected =
        catchThrowableOfType(
            RejectedRequest.class, () -> bodies.parseObject(Buffer.buffer(json), "x"));
    assertThat(rejected).as(json).isNotNull();
    return rejected.error();
  }
}
