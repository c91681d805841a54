package dev.offload.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectorConfigTest {
  private static final ConnectorConfig CONFIG =
      ConnectorConfig.of(
          "broker:9092", "db.local", 5433, "shop", "offload", "s3cret", Path.of("data/offsets"));

  private static final String YAML =
      """
      kafka: {bootstrap-servers: "k1:9092"}
      database: {host: db, port: 6432, name: shop, user: app}
      registry: {url: "http://registry:8081"}
      connector:
        name: shop-connector
        slot: shop_slot
        offset-file: /data/offsets.dat
        poll-interval: 50ms
        heartbeat-interval: 30s
      capture:
        tables: [public.orders, billing.invoices]
        snapshot: when-needed
        full-before-image: false
      http: {host: 0.0.0.0, port: 9100}
      """;

  @Test
  void readsEverySectionOfTheFile() {
    ConnectorConfig c = ConnectorConfig.LOADER.parse(YAML, Map.of());

    assertThat(c.kafka().bootstrapServers()).isEqualTo("k1:9092");
    assertThat(c.database().jdbcUrl()).isEqualTo("jdbc:postgresql://db:6432/shop");
    assertThat(c.database().user()).isEqualTo("app");
    assertThat(c.database().password()).isEmpty();
    assertThat(c.connector().name()).isEqualTo("shop-connector");
    assertThat(c.connector().slot()).isEqualTo("shop_slot");
    assertThat(c.connector().offsetFile()).isEqualTo(Path.of("/data/offsets.dat"));
    assertThat(c.connector().pollInterval()).isEqualTo(Duration.ofMillis(50));
    assertThat(c.connector().heartbeatInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.capture().tables()).containsExactly("public.orders", "billing.invoices");
    assertThat(c.capture().snapshot()).isEqualTo(SnapshotMode.WHEN_NEEDED);
    assertThat(c.capture().fullBeforeImage()).isFalse();
    assertThat(c.registry().url()).isEqualTo("http://registry:8081");
    assertThat(c.http().host()).isEqualTo("0.0.0.0");
    assertThat(c.http().port()).isEqualTo(9100);
  }

  @Test
  void environmentOverridesTheFileAndCarriesThePassword() {
    ConnectorConfig c =
        ConnectorConfig.LOADER.parse(
            YAML,
            Map.of(
                "OFFLOAD_KAFKA_BOOTSTRAP_SERVERS", "k2:9092",
                "OFFLOAD_DATABASE_HOST", "db2",
                "OFFLOAD_DATABASE_PASSWORD", "s3cret",
                "OFFLOAD_CAPTURE_TABLES", "public.customers, public.orders",
                "OFFLOAD_CAPTURE_SNAPSHOT", "never",
                "OFFLOAD_CONNECTOR_HTTP_PORT", "-1"));

    assertThat(c.kafka().bootstrapServers()).isEqualTo("k2:9092");
    assertThat(c.database().host()).isEqualTo("db2");
    assertThat(c.database().password()).isEqualTo("s3cret");
    assertThat(c.toString()).doesNotContain("s3cret");
    assertThat(c.capture().tables()).containsExactly("public.customers", "public.orders");
    assertThat(c.capture().snapshot()).isEqualTo(SnapshotMode.NEVER);
    assertThat(c.http().port()).isEqualTo(-1);
  }

  @Test
  void defaultsCaptureTheOutboxOnlyAndServeOnThePrometheusPort() {
    ConnectorConfig c = ConnectorConfig.LOADER.defaults(Map.of());

    assertThat(c.capture().enabled()).isFalse();
    assertThat(c.http().port()).isEqualTo(ConnectorConfig.DEFAULT_HTTP_PORT);
    assertThat(c.connector().name()).isEqualTo("offload-connector");
  }

  @Test
  void errorsNameTheField() {
    assertThatThrownBy(
            () -> ConnectorConfig.LOADER.parse("capture: {snapshot: sometimes}", Map.of()))
        .hasMessageContaining("capture.snapshot")
        .hasMessageContaining("sometimes");
    assertThatThrownBy(() -> ConnectorConfig.LOADER.parse("capture: {tables: [orders]}", Map.of()))
        .hasMessageContaining("schema.table");
    assertThatThrownBy(
            () -> ConnectorConfig.LOADER.parse("connector: {poll-interval: soon}", Map.of()))
        .hasMessageContaining("connector.poll-interval");
    assertThatThrownBy(() -> ConnectorConfig.LOADER.parse("database: {port: x}", Map.of()))
        .hasMessageContaining("database.port");
  }

  @Test
  void tableCaptureJoinsTheOutboxInOneEngineWithTheRouterOnTheOutboxOnly() {
    ConnectorConfig config =
        ConnectorConfig.of("k:9092", "db", 5432, "shop", "u", "", Path.of("o"))
            .with(Map.of("connector.name", "shop"));
    Properties p = config.with(Map.of("capture.tables", "public.orders")).debeziumProperties();

    assertThat(p.getProperty("table.include.list").split(","))
        .containsExactly("public.offload_outbox", "public.orders", "public.offload_signal");
    assertThat(p)
        .containsEntry("snapshot.mode", "initial")
        .containsEntry("snapshot.include.collection.list", "public\\.orders")
        .containsEntry("signal.data.collection", "public.offload_signal")
        .containsEntry("slot.name", "offload_outbox")
        .containsEntry("transforms.outbox.predicate", "outboxTable")
        .containsEntry(
            "predicates.outboxTable.type",
            "org.apache.kafka.connect.transforms.predicates.TopicNameMatches");
    assertThat("shop.public.offload_outbox")
        .matches(p.getProperty("predicates.outboxTable.pattern"));
    assertThat("shop.public.orders").doesNotMatch(p.getProperty("predicates.outboxTable.pattern"));
    assertThat(config.debeziumProperties())
        .as("without tables, the outbox alone as before")
        .containsEntry("table.include.list", "public.offload_outbox")
        .containsEntry("snapshot.mode", "no_data")
        .doesNotContainKey("signal.data.collection");
  }

  @Test
  void changeTopicsAreNamedBySchemaAndTable() {
    assertThat(TableCapture.topicOf("public.orders")).isEqualTo("offload.changes.public.orders");
    assertThatThrownBy(() -> TableCapture.of(List.of("public.\"Orders\"")))
        .hasMessageContaining("tables");
    assertThatThrownBy(() -> TableCapture.of(List.of("public.offload_signal")))
        .hasMessageContaining("signal table");
  }

  @Test
  void kafkaSecurityComesFromTheFileAndTheEnvironmentOverridesIt(@TempDir Path dir)
      throws Exception {
    String login =
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"c\""
            + " password=\"file-secret\";";
    Path jaas = Files.writeString(dir.resolve("jaas.conf"), login);
    String yaml =
        """
        kafka:
          bootstrap-servers: "k1:9093"
          properties: {linger.ms: 5}
          security: {protocol: SASL_SSL, sasl-mechanism: SCRAM-SHA-256, sasl-jaas-config-file: %s}
        """
            .formatted(jaas);

    ConnectorConfig fromFile = ConnectorConfig.LOADER.parse(yaml, Map.of());
    Map<String, Object> producer = fromFile.producerProperties();

    assertThat(producer)
        .containsEntry("bootstrap.servers", "k1:9093")
        .containsEntry("acks", "all")
        .containsEntry("linger.ms", "5")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-256");
    assertThat(((Password) producer.get("sasl.jaas.config")).value()).isEqualTo(login);
    assertThat(producer.toString()).doesNotContain("file-secret");
    assertThat(fromFile.toString()).contains("SASL_SSL").doesNotContain("file-secret");

    ConnectorConfig fromEnv =
        ConnectorConfig.LOADER.parse(
            yaml,
            Map.of(
                "OFFLOAD_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "OFFLOAD_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512"));
    assertThat(fromEnv.producerProperties())
        .containsEntry("security.protocol", "SASL_PLAINTEXT")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
    assertThat(ConnectorConfig.LOADER.defaults(Map.of()).producerProperties())
        .containsEntry("security.protocol", "PLAINTEXT")
        .doesNotContainKey("sasl.jaas.config");
    assertThatThrownBy(() -> ConnectorConfig.LOADER.parse("kafka: {security: {user: x}}", Map.of()))
        .hasMessageContaining("kafka.security.user");
  }

  @Test
  void defaultsAreDocumentedOnes() {
    assertThat(CONFIG.connector().slot()).isEqualTo("offload_outbox");
    assertThat(CONFIG.connector().publication()).isEqualTo("offload_outbox_pub");
    assertThat(CONFIG.connector().pollInterval()).isEqualTo(Duration.ofMillis(10));
    assertThat(CONFIG.connector().offsetFlushInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(CONFIG.connector().heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
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
    assertThat(CONFIG.toString()).doesNotContain("s3cret").contains("password=****");
  }

  @Test
  void keysSetInCodeKeepEverythingElse() {
    ConnectorConfig changed =
        CONFIG.with(
            Map.of(
                "connector.slot", "slot_2",
                "connector.publication", "pub_2",
                "connector.name", "c2",
                "connector.poll-interval", "50ms",
                "connector.offset-flush-interval", "5s",
                "connector.heartbeat-interval", "30s"));

    assertThat(changed.debeziumProperties())
        .containsEntry("slot.name", "slot_2")
        .containsEntry("publication.name", "pub_2")
        .containsEntry("name", "c2")
        .containsEntry("topic.prefix", "c2")
        .containsEntry("poll.interval.ms", "50")
        .containsEntry("offset.flush.interval.ms", "5000")
        .containsEntry("heartbeat.interval.ms", "30000")
        .containsEntry("database.dbname", "shop")
        .containsEntry("database.password", "s3cret");
  }

  @Test
  void rejectsInvalidFieldsNamingThemByTheirKeys() {
    assertThatThrownBy(() -> ConnectorConfig.of(" ", "h", 5432, "d", "u", "", Path.of("o")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kafka.bootstrap-servers");
    assertThatThrownBy(() -> ConnectorConfig.of("b", "", 5432, "d", "u", "", Path.of("o")))
        .hasMessageContaining("database.host");
    assertThatThrownBy(() -> ConnectorConfig.of("b", "h", 0, "d", "u", "", Path.of("o")))
        .hasMessageContaining("database.port");
    assertThatThrownBy(() -> ConnectorConfig.of("b", "h", 5432, null, "u", "", Path.of("o")))
        .hasMessageContaining("database.name");
    assertThatThrownBy(() -> ConnectorConfig.of("b", "h", 5432, "d", "", "", Path.of("o")))
        .hasMessageContaining("database.user");
    assertThatThrownBy(() -> ConnectorConfig.of("b", "h", 5432, "d", "u", null, Path.of("o")))
        .hasMessageContaining("database.password");
    assertThatThrownBy(() -> ConnectorConfig.of("b", "h", 5432, "d", "u", "", null))
        .hasMessageContaining("connector.offset-file");
    assertThatThrownBy(() -> CONFIG.with(Map.of("connector.slot", "Bad-Slot")))
        .hasMessageContaining("connector.slot")
        .hasMessageContaining("Bad-Slot");
    assertThatThrownBy(() -> CONFIG.with(Map.of("connector.publication", "1pub")))
        .hasMessageContaining("connector.publication");
    assertThatThrownBy(() -> CONFIG.with(Map.of("connector.name", "no spaces")))
        .hasMessageContaining("connector.name");
    assertThatThrownBy(() -> CONFIG.with(Map.of("connector.poll-interval", "0s")))
        .hasMessageContaining("connector.poll-interval");
    assertThatThrownBy(() -> ConnectorConfig.LOADER.parse("connector: {slot: Bad-Slot}", Map.of()))
        .hasMessageContaining("connector.slot");
  }
}
