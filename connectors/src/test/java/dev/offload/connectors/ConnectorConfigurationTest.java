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

class ConnectorConfigurationTest {
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
    ConnectorConfiguration c = ConnectorConfiguration.parse(YAML, Map.of());

    assertThat(c.connector().bootstrapServers()).isEqualTo("k1:9092");
    assertThat(c.connector().jdbcUrl()).isEqualTo("jdbc:postgresql://db:6432/shop");
    assertThat(c.connector().databaseUser()).isEqualTo("app");
    assertThat(c.connector().databasePassword()).isEmpty();
    assertThat(c.connector().name()).isEqualTo("shop-connector");
    assertThat(c.connector().slotName()).isEqualTo("shop_slot");
    assertThat(c.connector().offsetFile()).isEqualTo(Path.of("/data/offsets.dat"));
    assertThat(c.connector().pollInterval()).isEqualTo(Duration.ofMillis(50));
    assertThat(c.connector().heartbeatInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.capture().tables()).containsExactly("public.orders", "billing.invoices");
    assertThat(c.capture().snapshot()).isEqualTo(SnapshotMode.WHEN_NEEDED);
    assertThat(c.capture().fullBeforeImage()).isFalse();
    assertThat(c.registryUrl()).isEqualTo("http://registry:8081");
    assertThat(c.httpHost()).isEqualTo("0.0.0.0");
    assertThat(c.httpPort()).isEqualTo(9100);
  }

  @Test
  void environmentOverridesTheFileAndCarriesThePassword() {
    ConnectorConfiguration c =
        ConnectorConfiguration.parse(
            YAML,
            Map.of(
                "OFFLOAD_KAFKA_BOOTSTRAP_SERVERS", "k2:9092",
                "OFFLOAD_DATABASE_HOST", "db2",
                "OFFLOAD_DATABASE_PASSWORD", "s3cret",
                "OFFLOAD_CAPTURE_TABLES", "public.customers, public.orders",
                "OFFLOAD_CAPTURE_SNAPSHOT", "never",
                "OFFLOAD_CONNECTOR_HTTP_PORT", "-1"));

    assertThat(c.connector().bootstrapServers()).isEqualTo("k2:9092");
    assertThat(c.connector().databaseHost()).isEqualTo("db2");
    assertThat(c.connector().databasePassword()).isEqualTo("s3cret");
    assertThat(c.connector().toString()).doesNotContain("s3cret");
    assertThat(c.capture().tables()).containsExactly("public.customers", "public.orders");
    assertThat(c.capture().snapshot()).isEqualTo(SnapshotMode.NEVER);
    assertThat(c.httpPort()).isEqualTo(-1);
  }

  @Test
  void defaultsCaptureTheOutboxOnlyAndServeOnThePrometheusPort() {
    ConnectorConfiguration c = ConnectorConfiguration.defaults(Map.of());

    assertThat(c.capture().enabled()).isFalse();
    assertThat(c.httpPort()).isEqualTo(ConnectorConfiguration.DEFAULT_HTTP_PORT);
    assertThat(c.connector().name()).isEqualTo(ConnectorConfig.DEFAULT_NAME);
  }

  @Test
  void errorsNameTheField() {
    assertThatThrownBy(
            () -> ConnectorConfiguration.parse("capture: {snapshot: sometimes}", Map.of()))
        .hasMessageContaining("capture.snapshot")
        .hasMessageContaining("sometimes");
    assertThatThrownBy(() -> ConnectorConfiguration.parse("capture: {tables: [orders]}", Map.of()))
        .hasMessageContaining("schema.table");
    assertThatThrownBy(
            () -> ConnectorConfiguration.parse("connector: {poll-interval: soon}", Map.of()))
        .hasMessageContaining("connector.poll-interval");
    assertThatThrownBy(() -> ConnectorConfiguration.parse("database: {port: x}", Map.of()))
        .hasMessageContaining("database.port");
  }

  @Test
  void tableCaptureJoinsTheOutboxInOneEngineWithTheRouterOnTheOutboxOnly() {
    ConnectorConfig config =
        ConnectorConfig.of("k:9092", "db", 5432, "shop", "u", "", Path.of("o")).withName("shop");
    Properties p =
        config.debeziumProperties(
            TableCapture.of(List.of("public.orders")).withSnapshot(SnapshotMode.INITIAL));

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
          security: {protocol: SASL_SSL, sasl-mechanism: SCRAM-SHA-256, sasl-jaas-config-file: %s}
        """
            .formatted(jaas);

    ConnectorConfig fromFile = ConnectorConfiguration.parse(yaml, Map.of()).connector();
    Map<String, Object> producer = fromFile.producerProperties();

    assertThat(producer)
        .containsEntry("bootstrap.servers", "k1:9093")
        .containsEntry("acks", "all")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-256");
    assertThat(((Password) producer.get("sasl.jaas.config")).value()).isEqualTo(login);
    assertThat(producer.toString()).doesNotContain("file-secret");
    assertThat(fromFile.toString()).contains("SASL_SSL").doesNotContain("file-secret");

    ConnectorConfig fromEnv =
        ConnectorConfiguration.parse(
                yaml,
                Map.of(
                    "OFFLOAD_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                    "OFFLOAD_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512"))
            .connector();
    assertThat(fromEnv.producerProperties())
        .containsEntry("security.protocol", "SASL_PLAINTEXT")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
    assertThat(ConnectorConfiguration.defaults(Map.of()).connector().producerProperties())
        .containsEntry("security.protocol", "PLAINTEXT")
        .doesNotContainKey("sasl.jaas.config");
    assertThatThrownBy(() -> ConnectorConfiguration.parse("kafka: {security: {user: x}}", Map.of()))
        .hasMessageContaining("kafka.security.user");
  }
}
