package dev.offload.schemas.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class OutboxMessageTest {
  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private static OutboxMessage sample() {
    return new OutboxMessage(
        UUID.fromString("6f1c0c2e-8a57-4a0e-9d7e-1b2c3d4e5f60"),
        "user-signed-up",
        "user-42",
        Instant.parse("2026-11-28T03:32:09.123456789Z"),
        "billing",
        TRACEPARENT,
        new byte[] {0, 0, 0, 0, 7, 2, 'h', 'i'});
  }

  @Test
  void roundTripsEveryField() {
    OutboxMessage message = sample();

    OutboxMessage decoded = OutboxMessage.decode(message.encode());

    assertThat(decoded).isEqualTo(message);
    assertThat(decoded.occurredAt()).isEqualTo(Instant.parse("2026-11-28T03:32:09.123456Z"));
    assertThat(decoded.payload()).containsExactly(0, 0, 0, 0, 7, 2, 'h', 'i');
    assertThat(decoded.traceparent()).isEqualTo(TRACEPARENT);
  }

  @Test
  void isCompactAndVersioned() {
    byte[] body = sample().encode();

    assertThat(body[0]).isEqualTo(OutboxMessage.VERSION);
    // 25 fixed bytes, four strings with one length byte each, 8 payload bytes.
    int strings = "user-signed-up".length() + "user-42".length() + "billing".length() + 55 + 4;
    assertThat(body).hasSize(25 + strings + 8);
  }

  @Test
  void keepsAnAbsentTraceparentAndAnEmptyPayload() {
    OutboxMessage message =
        new OutboxMessage(
            UUID.randomUUID(), "t", "k", Instant.EPOCH.minusNanos(1000), "p", null, new byte[0]);

    OutboxMessage decoded = OutboxMessage.decode(message.encode());

    assertThat(decoded.traceparent()).isNull();
    assertThat(decoded.payload()).isEmpty();
    assertThat(decoded.occurredAt()).isEqualTo(Instant.EPOCH.minusNanos(1000));
  }

  @Test
  void refusesAnUnknownVersion() {
    byte[] body = sample().encode();
    body[0] = 2;

    assertThatThrownBy(() -> OutboxMessage.decode(body))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unsupported outbox message version 2");
  }

  @Test
  void refusesABodyCutShort() {
    byte[] body = sample().encode();

    assertThatThrownBy(() -> OutboxMessage.decode(Arrays.copyOf(body, 30)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cut short");
    assertThatThrownBy(() -> OutboxMessage.decode(new byte[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void showsThePayloadOnlyBySize() {
    assertThat(sample().toString()).contains("payload=8 bytes").contains("key=user-42");
  }

  @Property(tries = 300)
  void roundTripsAnyText(
      @ForAll @StringLength(max = 300) String type,
      @ForAll @StringLength(max = 300) String key,
      @ForAll String producer,
      @ForAll byte[] payload,
      @ForAll long micros) {
    Instant at =
        Instant.ofEpochSecond(
            Math.floorDiv(micros, 1_000_000L) % 1_000_000_000L,
            Math.floorMod(micros, 1_000_000L) * 1_000L);
    OutboxMessage message =
        new OutboxMessage(UUID.randomUUID(), type, key, at, producer, key, payload);

    assertThat(OutboxMessage.decode(message.encode())).isEqualTo(message);
    assertThat(new String(message.encode(), StandardCharsets.ISO_8859_1)).isNotEmpty();
  }

  @Test
  void parsesTheConfiguredMode() {
    assertThat(OutboxMode.parse("table")).isEqualTo(OutboxMode.TABLE);
    assertThat(OutboxMode.parse(" MESSAGE ")).isEqualTo(OutboxMode.MESSAGE);
    assertThat(OutboxMode.MESSAGE.configName()).isEqualTo("message");
    assertThatThrownBy(() -> OutboxMode.parse("rows"))
        .hasMessage("outbox mode must be 'table' or 'message', was: 'rows'");
  }
}
