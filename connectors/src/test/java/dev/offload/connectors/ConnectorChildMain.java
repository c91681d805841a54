package dev.offload.connectors;

import dev.offload.schemas.kafka.KafkaClientSecurity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Runs one {@link OutboxConnector} until SIGTERM, configured by {@code --key=value} arguments: the
 * connector as a separate process, for the crash tests to kill ({@link ConnectorChildren}).
 *
 * <p>Arguments: {@code --bootstrap}, {@code --db-host}, {@code --db-port}, {@code --db-name},
 * {@code --db-user}, {@code --db-password} (or the {@value #PASSWORD_ENV} environment variable,
 * which keeps it out of the process list), {@code --offset-file} (required), and optionally {@code
 * --slot}, {@code --publication}, {@code --name}, {@code --offset-flush-ms}. The producer's Kafka
 * client security comes from the {@code OFFLOAD_KAFKA_SECURITY_…} variables of {@link
 * KafkaClientSecurity}. Prints {@value #RUNNING_LINE} on standard output once the connector
 * streams. Exits with status 1 when the connector fails, 2 on bad arguments. The product's entry
 * point is the {@code offload connector} command of {@code app/}.
 */
final class ConnectorChildMain {
  /** Printed on standard output once the connector streams. */
  static final String RUNNING_LINE = "connector running";

  /** Environment variable read for the database password when no argument gives it. */
  static final String PASSWORD_ENV = "OFFLOAD_DATABASE_PASSWORD";

  private static final Set<String> KEYS =
      Set.of(
          "bootstrap",
          "db-host",
          "db-port",
          "db-name",
          "db-user",
          "db-password",
          "slot",
          "publication",
          "offset-file",
          "name",
          "offset-flush-ms");

  private ConnectorChildMain() {}

  /** Starts the connector and blocks until it stops. */
  public static void main(String[] args) throws InterruptedException {
    ConnectorConfig config;
    try {
      ConnectorConfig parsed = parse(args, System.getenv(PASSWORD_ENV));
      config =
          new ConnectorConfig(
              parsed.kafka().withSecurityFrom(System.getenv()),
              parsed.database(),
              parsed.registry(),
              parsed.connector(),
              parsed.capture(),
              parsed.http());
    } catch (IllegalArgumentException e) {
      System.err.println("offload connector: " + e.getMessage());
      System.exit(2);
      return;
    }
    OutboxConnector connector = OutboxConnector.start(config, new SimpleMeterRegistry());
    Runtime.getRuntime()
        .addShutdownHook(new Thread(connector::close, "offload-connector-shutdown"));
    System.out.println(RUNNING_LINE);
    System.out.flush();
    connector.awaitTermination();
    if (connector.failure().isPresent()) {
      System.exit(1);
    }
  }

  /** The configuration that {@code args} describe; {@code envPassword} is the fallback password. */
  static ConnectorConfig parse(String[] args, String envPassword) {
    Map<String, String> values = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("arguments are --key=value, got: " + arg);
      }
      String key = arg.substring(2, eq);
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("unknown argument --" + key + "; known: " + KEYS);
      }
      values.put(key, arg.substring(eq + 1));
    }
    String password = values.getOrDefault("db-password", envPassword == null ? "" : envPassword);
    ConnectorConfig config =
        ConnectorConfig.of(
            values.getOrDefault("bootstrap", "localhost:9092"),
            values.getOrDefault("db-host", "localhost"),
            Integer.parseInt(values.getOrDefault("db-port", "5432")),
            values.getOrDefault("db-name", "offload"),
            values.getOrDefault("db-user", "postgres"),
            password,
            Path.of(required(values, "offset-file")));
    Map<String, String> keys = new HashMap<>();
    keys.put("connector.slot", values.get("slot"));
    keys.put("connector.publication", values.get("publication"));
    keys.put("connector.name", values.get("name"));
    if (values.containsKey("offset-flush-ms")) {
      keys.put("connector.offset-flush-interval", values.get("offset-flush-ms") + "ms");
    }
    config = config.with(keys);
    return config;
  }

  private static String required(Map<String, String> values, String key) {
    String value = values.get(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("--" + key + " is required");
    }
    return value;
  }
}
