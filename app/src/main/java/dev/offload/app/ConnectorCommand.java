package dev.offload.app;

import dev.offload.connectors.ConnectorConfig;
import dev.offload.connectors.OutboxConnector;
import dev.offload.connectors.SnapshotSignal;
import dev.offload.connectors.TableCapture;
import dev.offload.runtime.config.ConfigLoader;
import dev.offload.runtime.http.HealthServer;
import dev.offload.runtime.tracing.Tracing;
import dev.offload.schemas.kafka.KafkaClientSecurity;
import dev.offload.schemas.outbox.OutboxTable;
import dev.offload.schemas.registry.RegistryClient;
import dev.offload.schemas.registry.RegistryClientConfig;
import dev.offload.schemas.registry.SchemaRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code offload connector}: runs the connector role alone (the outbox and the configured tables,
 * from one replication slot), and {@code offload connector snapshot <table>} requests an
 * incremental snapshot of a captured table from the running connector.
 */
@Command(
    name = "connector",
    mixinStandardHelpOptions = true,
    description = {
      "Run the connector role: capture the outbox and the tables listed under capture.tables from",
      "PostgreSQL's write-ahead log into Kafka (offload.events.<type>, offload.changes.<schema>.<table>).",
      "Configuration: a YAML file (--config) overridden by OFFLOAD_* environment variables, e.g.",
      "OFFLOAD_KAFKA_BOOTSTRAP_SERVERS, OFFLOAD_DATABASE_HOST, OFFLOAD_DATABASE_PASSWORD,",
      "OFFLOAD_CAPTURE_TABLES=public.orders,public.customers. Kafka client security (SASL, TLS):",
      "kafka.security in the file, or OFFLOAD_KAFKA_SECURITY_PROTOCOL, OFFLOAD_KAFKA_SASL_MECHANISM,",
      "OFFLOAD_KAFKA_SASL_JAAS_CONFIG_FILE, OFFLOAD_KAFKA_SSL_TRUSTSTORE_LOCATION and",
      "OFFLOAD_KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE. Serves /health/ready and /metrics.",
      "Stops cleanly on Ctrl-C."
    },
    subcommands = {ConnectorCommand.Snapshot.class})
final class ConnectorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "Connector configuration (YAML); default: built-in defaults.")
  Path config;

  @Option(
      names = {"-p", "--port"},
      paramLabel = "P",
      description =
          "HTTP port for /health/ready and /metrics (default: from the file, else "
              + ConnectorConfig.DEFAULT_HTTP_PORT
              + "; 0 = any free port, -1 = none).")
  Integer port;

  @Mixin PrintConfigOption printConfig = new PrintConfigOption();

  private volatile OutboxConnector running;

  @Override
  public Integer call() throws InterruptedException {
    Map<String, String> options =
        Collections.singletonMap("http.port", port == null ? null : port.toString());
    if (printConfig.printIfRequested(
        spec, () -> ConnectorConfig.LOADER.print(config, System.getenv(), options))) {
      return 0;
    }
    ConnectorConfig configuration = ConnectorConfig.LOADER.load(config, System.getenv(), options);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    TableCapture capture = configuration.capture();
    SchemaRegistry schemas =
        capture.enabled()
            ? new RegistryClient(RegistryClientConfig.of(configuration.registry().url()))
            : null;
    Tracing tracing = Tracing.fromEnvironment(System.getenv(), "offload-connector");
    OutboxConnector connector = OutboxConnector.start(configuration, registry, schemas, tracing);
    running = connector;
    HealthServer http =
        configuration.http().port() < 0
            ? null
            : HealthServer.on(configuration.http().host(), configuration.http().port())
                .readiness(connector::isRunning)
                .metrics(registry)
                .start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  connector.close();
                  tracing.close();
                  if (http != null) {
                    http.close();
                  }
                },
                "offload-connector-stop"));
    printSummary(configuration, http);
    connector.awaitTermination();
    if (http != null) {
      http.close();
    }
    if (connector.failure().isPresent()) {
      spec.commandLine()
          .getErr()
          .println("offload: connector failed: " + connector.failure().get().getMessage());
      return 1;
    }
    return 0;
  }

  /** Stops a running connector gracefully, as Ctrl-C does; {@link #call()} then returns. */
  void stop() {
    OutboxConnector connector = running;
    if (connector != null) {
      connector.close();
    }
  }

  private void printSummary(ConnectorConfig configuration, HealthServer http) {
    ConnectorConfig.Connector c = configuration.connector();
    ConnectorConfig.Database db = configuration.database();
    KafkaClientSecurity security = configuration.kafka().clientSecurity();
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "connector %s capturing from postgresql://%s@%s:%d/%s (slot %s, publication %s)%n",
        c.name(), db.user(), db.host(), db.port(), db.name(), c.slot(), c.publication());
    out.printf("  %-28s -> offload.events.<type>%n", OutboxTable.QUALIFIED_NAME);
    for (String table : configuration.capture().tables()) {
      out.printf("  %-28s -> %s%n", table, TableCapture.topicOf(table));
    }
    out.printf("  kafka %s", configuration.kafka().bootstrapServers());
    if (!security.isPlaintext()) {
      out.printf(
          " (%s%s)",
          security.protocol(),
          security.saslMechanism() == null ? "" : " " + security.saslMechanism());
    }
    if (configuration.capture().enabled()) {
      out.printf(
          ", schema registry %s, snapshot %s, signals in %s",
          configuration.registry().url(),
          configuration.capture().snapshot().name().toLowerCase(java.util.Locale.ROOT),
          configuration.capture().signalTable());
    }
    out.println();
    if (http != null) {
      out.printf(
          "  http://%s:%d/health/ready and /metrics%n", configuration.http().host(), http.port());
    }
    out.println("connector running; Ctrl-C stops it");
    out.flush();
  }

  /** {@code offload connector snapshot <table>}. */
  @Command(
      name = "snapshot",
      mixinStandardHelpOptions = true,
      description = {
        "Request an incremental snapshot of one captured table, for a backfill: inserts an",
        "execute-snapshot signal into the signalling table; the running connector then re-emits",
        "every row of the table (op r) to offload.changes.<schema>.<table> in chunks, while live",
        "changes keep flowing. The table must be listed under capture.tables."
      })
  static final class Snapshot implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(
        index = "0",
        paramLabel = "TABLE",
        description = "The table, schema.table (a bare name means public.<name>).")
    String table;

    @Option(
        names = "--jdbc-url",
        defaultValue = "jdbc:postgresql://127.0.0.1:5432/offload",
        description = "The captured database (default: ${DEFAULT-VALUE}).")
    String jdbcUrl;

    @Option(
        names = "--jdbc-user",
        description = "PostgreSQL user (default: $OFFLOAD_DATABASE_USER or postgres).")
    String jdbcUser;

    @Option(
        names = "--jdbc-password-env",
        defaultValue = "OFFLOAD_DATABASE_PASSWORD",
        description =
            "Environment variable holding the PostgreSQL password (default: ${DEFAULT-VALUE}).")
    String jdbcPasswordEnv;

    @Option(
        names = "--signal-table",
        defaultValue = TableCapture.DEFAULT_SIGNAL_TABLE,
        description = "The connector's signalling table (default: ${DEFAULT-VALUE}).")
    String signalTable;

    @Override
    public Integer call() {
      String qualified = table.contains(".") ? table : "public." + table;
      Map<String, String> env = System.getenv();
      String user = jdbcUser;
      if (user == null) {
        String fromEnv = ConfigLoader.variable(env, "database.user", "OFFLOAD_JDBC_USER");
        user = fromEnv != null ? fromEnv : "postgres";
      }
      String password =
          jdbcPasswordEnv.equals("OFFLOAD_DATABASE_PASSWORD")
              ? ConfigLoader.variable(env, "database.password", "OFFLOAD_JDBC_PASSWORD")
              : env.get(jdbcPasswordEnv);
      try (Connection c =
          DriverManager.getConnection(jdbcUrl, user, password == null ? "" : password)) {
        c.setAutoCommit(true);
        String id = SnapshotSignal.requestIncrementalSnapshot(c, signalTable, qualified);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
            "requested an incremental snapshot of %s: signal %s inserted into %s at %s%n",
            qualified, id, signalTable, jdbcUrl);
        out.printf(
            "the running connector re-emits its rows (op r) to %s%n",
            TableCapture.topicOf(qualified));
        out.flush();
        return 0;
      } catch (SQLException e) {
        spec.commandLine()
            .getErr()
            .println("offload: cannot request a snapshot at " + jdbcUrl + ": " + e.getMessage());
        return 1;
      }
    }
  }
}
