package dev.offload.connectors;

import dev.offload.runtime.config.Secret;
import dev.offload.schemas.kafka.KafkaClientSecurity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The connector role's file as {@link ConnectorConfiguration} documents it, key for key; {@link
 * dev.offload.runtime.config.ConfigLoader} binds it, {@link #toConfiguration} makes the role's
 * configuration of it.
 */
record ConnectorFile(
    Kafka kafka,
    Database database,
    Registry registry,
    Connector connector,
    Capture capture,
    Http http) {

  /** {@code security} is read by {@link KafkaClientSecurity#from}, with its own variables. */
  record Kafka(String bootstrapServers, Map<String, Object> security) {}

  record Database(String host, int port, String name, String user, @Secret String password) {}

  record Registry(String url) {}

  record Connector(
      String name,
      String slot,
      String publication,
      Path offsetFile,
      Duration pollInterval,
      Duration offsetFlushInterval,
      Duration heartbeatInterval) {}

  record Capture(
      List<String> tables, String snapshot, String signalTable, boolean fullBeforeImage) {}

  record Http(String host, int port) {}

  /** The file with every key at its default. */
  static ConnectorFile defaults() {
    return new ConnectorFile(
        new Kafka("127.0.0.1:9092", Map.of()),
        new Database("127.0.0.1", 5432, "offload", "postgres", ""),
        new Registry("http://127.0.0.1:8081"),
        new Connector(
            ConnectorConfig.DEFAULT_NAME,
            ConnectorConfig.DEFAULT_SLOT_NAME,
            ConnectorConfig.DEFAULT_PUBLICATION_NAME,
            Path.of("offload-data/connector/offsets.dat"),
            ConnectorConfig.DEFAULT_POLL_INTERVAL,
            ConnectorConfig.DEFAULT_OFFSET_FLUSH_INTERVAL,
            ConnectorConfig.DEFAULT_HEARTBEAT_INTERVAL),
        new Capture(List.of(), "initial", TableCapture.DEFAULT_SIGNAL_TABLE, true),
        new Http("127.0.0.1", ConnectorConfiguration.DEFAULT_HTTP_PORT));
  }

  /**
   * The role's configuration; {@code env} overrides {@code kafka.security} by {@link
   * KafkaClientSecurity}'s variables.
   *
   * @throws IllegalArgumentException naming the field at fault
   */
  ConnectorConfiguration toConfiguration(Map<String, String> env) {
    ConnectorConfig c =
        new ConnectorConfig(
            kafka.bootstrapServers(),
            database.host(),
            database.port(),
            database.name(),
            database.user(),
            database.password(),
            connector.slot(),
            connector.publication(),
            connector.offsetFile(),
            connector.pollInterval(),
            connector.offsetFlushInterval(),
            connector.heartbeatInterval(),
            connector.name(),
            KafkaClientSecurity.from(kafka.security(), env));
    TableCapture tables =
        new TableCapture(
            capture.tables(),
            snapshot(capture.snapshot()),
            capture.signalTable(),
            capture.fullBeforeImage());
    return new ConnectorConfiguration(c, tables, registry.url(), http.host(), http.port());
  }

  private static SnapshotMode snapshot(String text) {
    String name = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    try {
      return SnapshotMode.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "capture.snapshot: '" + text + "' is not one of initial, never, always, when-needed", e);
    }
  }
}
