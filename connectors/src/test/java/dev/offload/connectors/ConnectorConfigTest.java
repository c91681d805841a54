package dev.offload.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ConnectorConfigTest {
  private static final ConnectorConfig CONFIG =
      ConnectorConfig.of(
          "broker:9092", "db.local", 5433, "shop", "offload", "s3cret", Path.of("data/offsets"));

  @Test
  void defaultsAreDocumentedOnes() {
    assertThat(CONFIG.slotName()).isEqualTo("offload_outbox");
    assertThat(CONFIG.publicationName()).isEqualTo("offload_outbox_pub");
    assertThat(CONFIG.pollInterval()).isEqualTo(Duration.ofMillis(10));
    assertThat(CONFIG.offsetFlushInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(CONFIG.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void debeziumPropertiesCaptureTheOutboxThroughPgoutput() {
    Properties p = CONFIG.debeziumProperties();

    assertThat(p)
        .containsEntry(
            "connector.class", "dev.offload.connectors.internal.SlotGuardedPostgresConnector")
        .containsEntry("plugin.name", "pgoutput")
        .containsEntry("publication.autocreate.mode", "filtered")
        .containsEntry("publication.name", "offload_outbox_pub")
        .containsEntry("table.include.list", "public.offload_outbox")
        .containsEntry("slot.name", "offload_outbox")
        .containsEntry("slot.drop.on.stop", "false")
        .containsEntry("snapshot.mode", "no_data")
        .containsEntry("tombstones.on.delete", "false")
        .containsEntry("binary.handling.mode", "bytes")
        .containsEntry("poll.interval.ms", "10")
        .containsEntry("offset.flush.interval.ms", "1000")
        .containsEntry("heartbeat.interval.ms", "10000")
        .containsEntry("database.hostname", "db.local")
        .containsEntry("database.port", "5433")
        .containsEntry("database.dbname", "shop")
        .containsEntry("database.user", "offload")
        .containsEntry("database.password", "s3cret")
        .containsEntry("offset.storage", "dev.offload.connectors.internal.AtomicFileOffsetStore")
        .containsEntry(
            "offset.storage.file.filename", Path.of("data/offsets").toAbsolutePath().toString());
  }

  @Test
  void debeziumPropertiesRouteByTypeIntoOffloadTopicsAndHeaders() {
    Properties p = CONFIG.debeziumProperties();

    assertThat(p)
        .containsEntry("transforms", "outbox,outboxmessage")
        .containsEntry("message.prefix.include.list", "offload")
        .containsEntry("transforms.outbox.type", "io.debezium.transforms.outbox.EventRouter")
        .containsEntry("transforms.outbox.route.by.field", "type")
        .containsEntry(
            "transforms.outbox.route.topic.replacement", "offload.events.${routedByValue}")
        .containsEntry("transforms.outbox.table.field.event.key", "aggregateid")
        .containsEntry("transforms.outbox.table.field.event.payload", "payload");
    assertThat(p.getProperty("transforms.outbox.table.fields.additional.placement").split(","))
        .containsExactly(
            "id:header:offload-event-id",
            "type:header:offload-event-type",
            "occurred_at:header:offload-occurred-at",
            "producer:header:offload-producer",
            "traceparent:header:traceparent");
  }

  @Test
  void producerIsIdempotentAndWaitsForAllReplicas() {
    assertThat(CONFIG.producerProperties())
        .containsEntry("bootstrap.servers", "broker:9092")
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", true);
  }

  @Test
  void toStringNeverShowsThePassword() {
    assertThat(CONFIG.toString()).doesNotContain("s3cret").contains("databasePassword=****");
  }

  @Test
  void withersKeepEverythingElse() {
    ConnectorConfig changed =
        CONFIG
            .withSlotName("slot_2")
            .withPublicationName("pub_2")
            .withName("c2")
            .withIntervals(Duration.ofMillis(50), Duration.ofSeconds(5), Duration.ofSeconds(30));

    assertThat(changed.debeziumProperties())
        .containsEntry("slot.name", "slot_2")
        .containsEntry("publication.name", "pub_2")
        .containsEntry("name", "c2")
        .containsEntry("topic.prefix", "c2")
        .containsEntry("poll.interval.ms", "50")
        .containsEntry("offset.flush.interval.ms", "5000")
        .containsEntry("heartbeat.interval.ms", "30000")
        .containsEntry("database.dbname", "shop");
  }

  @Test
  void rejectsInvalidFieldsNamingThem() {
    assertThatThrownBy(() -> ConnectorConfig.of(" ", "h", 5432, "d", "u", "", Path.of("o")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bootstrapServers");
    assertThatThrownBy(() -> ConnectorConfig.of("b", "", 5432, "d", "u", "", Path.of("o")))
        .hasMessageContaining("databaseHost");
    assertThatThrownBy(() -> ConnectorConfig.of("b", "h", 0, "d", "u", "", Path.of("o")))
        .hasMessageContaining("databasePort");
    assertThatThrownBy(() -> ConnectorConfig.of("b", "h", 5432, null, "u", "", Path.of("o")))
        .hasMessageContaining("databaseName");
    assertThatThrownBy(() -> ConnectorConfig.of("b", "h", 5432, "d", "", "", Path.of("o")))
        .hasMessageContaining("databaseUser");
    assertThatThrownBy(() -> ConnectorConfig.of("b", "h", 5432, "d", "u", null, Path.of("o")))
        .hasMessageContaining("databasePassword");
    assertThatThrownBy(() -> ConnectorConfig.of("b", "h", 5432, "d", "u", "", null))
        .hasMessageContaining("offsetFile");
    assertThatThrownBy(() -> CONFIG.withSlotName("Bad-Slot"))
        .hasMessageContaining("slotName")
        .hasMessageContaining("Bad-Slot");
    assertThatThrownBy(() -> CONFIG.withPublicationName("1pub"))
        .hasMessageContaining("publicationName");
    assertThatThrownBy(() -> CONFIG.withName("no spaces")).hasMessageContaining("name");
    assertThatThrownBy(
            () -> CONFIG.withIntervals(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)))
        .hasMessageContaining("pollInterval");
    assertThatThrownBy(
            () ->
                CONFIG.withIntervals(
                    Duration.ofMillis(1), Duration.ofSeconds(-1), Duration.ofSeconds(1)))
        .hasMessageContaining("offsetFlushInterval");
    assertThatThrownBy(
            () -> CONFIG.withIntervals(Duration.ofMillis(1), Duration.ofSeconds(1), null))
        .hasMessageContaining("heartbeatInterval");
  }
}
