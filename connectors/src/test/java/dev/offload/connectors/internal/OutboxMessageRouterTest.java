package dev.offload.connectors.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.outbox.OutboxMessage;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class OutboxMessageRouterTest {
  private static final Schema BLOCK =
      SchemaBuilder.struct()
          .name("io.debezium.connector.postgresql.Message")
          .field("prefix", Schema.OPTIONAL_STRING_SCHEMA)
          .field("content", Schema.OPTIONAL_BYTES_SCHEMA)
          .build();
  private static final Schema VALUE =
      SchemaBuilder.struct()
          .name(OutboxMessageRouter.MESSAGE_VALUE_SCHEMA)
          .field("op", Schema.STRING_SCHEMA)
          .field("message", BLOCK)
          .build();

  private final OutboxMessageRouter router = new OutboxMessageRouter();

  private static SourceRecord messageRecord(String prefix, byte[] content) {
    Struct value =
        new Struct(VALUE)
            .put("op", "m")
            .put(
                "message",
                new Struct(BLOCK).put("prefix", prefix).put("content", ByteBuffer.wrap(content)));
    return new SourceRecord(
        Map.of("server", "x"),
        Map.of("lsn", 1L),
        "offload-connector.message",
        null,
        null,
        VALUE,
        value);
  }

  @Test
  void turnsAnOffloadMessageIntoTheRoutedEventRecord() {
    UUID id = UUID.randomUUID();
    OutboxMessage message =
        new OutboxMessage(
            id,
            "user-signed-up",
            "user-42",
            Instant.parse("2026-11-28T03:32:09.1234Z"),
            "billing",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            new byte[] {0, 0, 0, 0, 1, 9});

    SourceRecord routed = router.apply(messageRecord("offload", message.encode()));

    assertThat(routed.topic()).isEqualTo("offload.events.user-signed-up");
    assertThat(routed.key()).isEqualTo("user-42");
    assertThat((byte[]) routed.value()).containsExactly(0, 0, 0, 0, 1, 9);
    assertThat(routed.sourceOffset()).isEqualTo(Map.of("lsn", 1L));
    assertThat(OutboxRecords.isEvent(routed)).isTrue();
    assertThat(OutboxRecords.header(routed, OffloadHeaders.EVENT_ID)).hasValue(id.toString());
    assertThat(OutboxRecords.header(routed, OffloadHeaders.OCCURRED_AT))
        .hasValue("2026-11-28T03:32:09.123400Z");
    assertThat(OutboxRecords.toProducerRecord(routed).headers().toArray()).hasSize(5);
  }

  @Test
  void leavesOtherRecordsAlone() {
    SourceRecord other = messageRecord("someone-else", new byte[] {1, 2});
    SourceRecord heartbeat =
        new SourceRecord(Map.of(), Map.of(), "__debezium-heartbeat.x", Schema.STRING_SCHEMA, "hb");

    assertThat(router.apply(other)).isSameAs(other);
    assertThat(router.apply(heartbeat)).isSameAs(heartbeat);
  }

  @Test
  void stopsOnAMessageItCannotRead() {
    assertThatThrownBy(() -> router.apply(messageRecord("offload", new byte[] {9, 0, 0})))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("unsupported outbox message version 9");
  }

  @Test
  void addsItselfAfterTheConfiguredTransforms() {
    Properties p = new Properties();
    p.setProperty("transforms", "outbox");

    OutboxMessageRouter.addTo(p);

    assertThat(p.getProperty("transforms")).isEqualTo("outbox,outboxmessage");
    assertThat(p.getProperty("transforms.outboxmessage.type"))
        .isEqualTo(OutboxMessageRouter.class.getName());
    assertThat(p.getProperty("message.prefix.include.list")).isEqualTo("offload");
  }
}
