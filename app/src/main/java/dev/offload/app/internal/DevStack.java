package dev.offload.app.internal;

import dev.offload.connectors.ConnectorConfig;
import dev.offload.connectors.OutboxConnector;
import dev.offload.consumers.EventLogWorker;
import dev.offload.consumers.WorkerConfig;
import dev.offload.consumers.database.DatabasePool;
import dev.offload.consumers.handlers.email.EmailConfig;
import dev.offload.consumers.handlers.index.SearchIndex;
import dev.offload.embedded.EmbeddedKafka;
import dev.offload.embedded.EmbeddedPostgres;
import dev.offload.embedded.EmbeddedSmtp;
import dev.offload.embedded.Ports;
import dev.offload.embedded.registry.RegistryServerConfig;
import dev.offload.embedded.registry.SchemaRegistryServer;
import dev.offload.ops.dashboard.OpsServer;
import dev.offload.ops.dashboard.OpsServerConfig;
import dev.offload.ops.dashboard.RoleChecks;
import dev.offload.producers.ApiConfig;
import dev.offload.producers.IngestApi;
import dev.offload.schemas.outbox.OutboxMode;
import dev.offload.schemas.registry.RegistryClient;
import dev.offload.schemas.registry.RegistryClientConfig;
import dev.offload.streams.StreamsConfiguration;
import dev.offload.streams.StreamsRunner;
import dev.offload.streams.StreamsSettings;
import dev.offload.streams.TopologyCatalog;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything {@code offload dev} runs, in start order: PostgreSQL, the Kafka broker, the schema
 * registry, the ingest API (validating against the registry), the outbox connector, the {@code
 * router} and {@code analytics} topologies, the event-log worker, the embedded SMTP server, the
 * email, index and analytics workers and their endpoints. Closing stops them in reverse order.
 */
public final class DevStack implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DevStack.class);

  /** Database that holds the outbox in the dev stack. */
  public static final String DATABASE = "offload";

  private final Deque<AutoCloseable> running = new ArrayDeque<>();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Path dataDir;
  private final long startedAt = System.nanoTime();
  private volatile long readyMillis;
  private EmbeddedPostgres postgres;
  private EmbeddedKafka kafka;
  private IngestApi api;
  private SchemaRegistryServer registryServer;
  private OpsServer ops;
  private volatile StreamsRunner router;
  private volatile StreamsRunner analytics;
  private volatile OutboxConnector connector;
  private volatile EventLogWorker worker;
  private Admin admin;
  private final OutboxMode outboxMode;
  private WorkerPorts workerPorts = WorkerPorts.defaults();
  private EmbeddedSmtp smtp;
  private volatile HandlerWorkers handlers;
  private WorkerHttpServer workerHttp;

  private DevStack(Path dataDir, OutboxMode outboxMode) {
    this.dataDir = dataDir.toAbsolutePath().normalize();
    this.outboxMode = outboxMode;
  }

  /**
   * Starts every part, or none: when one part fails, those already started are stopped again.
   *
   * @throws Ports.PortInUseException before anything starts, when a requested port is taken
   */
  public static DevStack start(DevPorts ports, Path dataDir) {
    return start(ports, WorkerPorts.defaults(), dataDir, OutboxMode.TABLE);
  }

  /** Starts every part, with the API writing events in {@code outboxMode}; see the other start. */
  public static DevStack start(DevPorts ports, Path dataDir, OutboxMode outboxMode) {
    return start(ports, WorkerPorts.defaults(), dataDir, outboxMode);
  }

  /**
   * Starts every part, the handler workers' endpoints and SMTP server on {@code workerPorts}, with
   * the API writing events in {@code outboxMode}.
   *
   * @throws Ports.PortInUseException before anything starts, when a requested port is taken
   */
  public static DevStack start(
      DevPorts ports, WorkerPorts workerPorts, Path dataDir, OutboxMode outboxMode) {
    Objects.requireNonNull(outboxMode, "outboxMode");
    Ports.requireFree("127.0.0.1", workerPorts.http(), "--workers-port");
    Ports.requireFree("127.0.0.1", workerPorts.smtp(), "--smtp-port");
    Ports.requireFree("127.0.0.1", ports.api(), "--api-port");
    Ports.requireFree("127.0.0.1", ports.kafka(), "--kafka-port");
    Ports.requireFree("127.0.0.1", ports.registry(), "--registry-port");
    Ports.requireFree("127.0.0.1", ports.analytics(), "--analytics-port");
    Ports.requireFree("127.0.0.1", ports.ops(), "--ops-port");
    int postgresPort = ports.postgres();
    if (postgresPort != 0) {
      Ports.requireFree("127.0.0.1", postgresPort, "--postgres-port");
    }
    DevStack stack = new DevStack(dataDir, outboxMode);
    stack.workerPorts = workerPorts;
    try {
      stack.startAll(ports);
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private void startAll(DevPorts ports) {
    bindJvmMetrics();
    postgres = started(EmbeddedPostgres.start(dataDir.resolve("postgres"), ports.postgres()));
    postgres.createDatabaseIfAbsent(DATABASE);
    kafka = started(EmbeddedKafka.start(dataDir.resolve("kafka"), ports.kafka(), Map.of()));
    registryServer =
        started(
            SchemaRegistryServer.start(
                RegistryServerConfig.of(kafka.bootstrapServers()).withPort(ports.registry())));
    admin =
        started(
            Admin.create(
                Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers(),
                    AdminClientConfig.CLIENT_ID_CONFIG,
                    "offload-dev-health")));
    RegistryClient schemas = new RegistryClient(RegistryClientConfig.of(registryServer.url()));
    api = started(IngestApi.start(apiConfig(ports.api()), registry, readinessChecks(), schemas));
    connector = started(OutboxConnector.start(connectorConfig(), registry));
    HandlerWorkers.createTopics(kafka.bootstrapServers());
    router = started(startTopology("router", -1));
    analytics = started(startTopology("analytics", ports.analytics()));
    worker =
        started(EventLogWorker.start(WorkerConfig.defaults(kafka.bootstrapServers()), registry));
    startHandlerWorkers(schemas);
    ops =
        started(
            OpsServer.start(
                OpsServerConfig.defaults(kafka.bootstrapServers()).withPort(ports.ops()),
                registry,
                roleChecks()));
    readyMillis = (System.nanoTime() - startedAt) / 1_000_000;
    log.info("offload dev ready in {} ms", readyMillis);
  }

  private void startHandlerWorkers(RegistryClient schemas) {
    smtp = started(EmbeddedSmtp.start(workerPorts.smtp()));
    DataSource db =
        started(
            DatabasePool.open(
                postgres.jdbcUrl(DATABASE),
                EmbeddedPostgres.USER,
                "",
                HandlerWorkers.CONNECTIONS,
                "offload-dev-workers",
                registry));
    handlers =
        started(
            HandlerWorkers.start(
                kafka.bootstrapServers(),
                schemas,
                EmailConfig.defaults(smtp.host(), smtp.port()),
                dataDir.resolve("index"),
                db,
                registry));
    workerHttp =
        started(
            WorkerHttpServer.start(
                workerPorts.http(), smtp, handlers.index(), handlers.analytics()));
  }

  private ApiConfig apiConfig(int apiPort) {
    return ApiConfig.defaults()
        .withHost("127.0.0.1")
        .withPort(apiPort)
        .withOutboxMode(outboxMode)
        .withDatabase(
            new ApiConfig.Database(
                postgres.host(), postgres.port(), DATABASE, EmbeddedPostgres.USER, ""));
  }

  private ConnectorConfig connectorConfig() {
    return ConnectorConfig.of(
        kafka.bootstrapServers(),
        postgres.host(),
        postgres.port(),
        DATABASE,
        EmbeddedPostgres.USER,
        "",
        dataDir.resolve("connector").resolve("offsets.dat"));
  }

  private StreamsRunner startTopology(String name, int httpPort) {
    StreamsSettings d = StreamsSettings.defaults();
    StreamsSettings settings =
        new StreamsSettings(
            kafka.bootstrapServers(),
            null,
            d.processingGuarantee(),
            dataDir.resolve("streams"),
            1,
            1,
            d.commitInterval(),
            "127.0.0.1",
            httpPort,
            // An event type registered at run time gets its topic later: the router, subscribed
            // by pattern, sees it at its next metadata refresh (5 minutes by default).
            Map.of("metadata.max.age.ms", "5000"));
    // The handler workers read offload.work.<handler>: route each built-in type to its handler.
    StreamsConfiguration configuration =
        new StreamsConfiguration(
            settings, Map.of("router", Map.<String, Object>of("routes", HandlerWorkers.ROUTES)));
    return StreamsRunner.start(
        TopologyCatalog.of(configuration).require(name), configuration, registry);
  }

  private static boolean streamsReady(StreamsRunner runner) {
    return runner != null && (runner.isReady() || runner.isWaitingForInputTopics());
  }

  private Map<String, BooleanSupplier> readinessChecks() {
    Map<String, BooleanSupplier> checks = new LinkedHashMap<>();
    checks.put("started", () -> readyMillis > 0);
    checks.put("kafka", this::kafkaAnswers);
    checks.put("connector", () -> connector != null && connector.isRunning());
    checks.put("router", () -> streamsReady(router));
    checks.put("analytics", () -> streamsReady(analytics));
    checks.put("worker", () -> worker != null && worker.isRunning());
    checks.put("handlers", () -> handlers != null && handlers.isRunning());
    return checks;
  }

  /**
   * The dashboard's role badges: one per part that runs, named for it (readiness's {@code started}
   * is a condition, not a role).
   */
  private Map<String, BooleanSupplier> roleChecks() {
    Map<String, BooleanSupplier> roles = new LinkedHashMap<>();
    roles.put("api", RoleChecks.http(URI.create(api.baseUrl() + "/health/live")));
    roles.putAll(readinessChecks());
    roles.remove("started");
    return roles;
  }

  private boolean kafkaAnswers() {
    try {
      return !admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return false;
    }
  }

  private void bindJvmMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  private <T extends AutoCloseable> T started(T part) {
    running.push(part);
    return part;
  }

  /** Prints one line per service with its address, the API first. */
  public void describe(PrintWriter out) {
    String api = "http://127.0.0.1:" + this.api.port();
    out.printf("Offload dev is ready in %.1f s; data in %s%n", readyMillis / 1000.0, dataDir);
    out.printf("  api        %s  (POST /v1/events/{type} and /v1/events:batch)%n", api);
    out.printf(
        "  auth       requests without an API key publish as the built-in app '%s' (dev only);%n"
            + "             a request with a key (offload apps create) publishes as its app%n",
        ApiConfig.DEFAULT_PRODUCER_NAME);
    out.printf("  docs       %s/docs  (OpenAPI: %s/openapi.yaml)%n", api, api);
    out.printf("  health     %s/health/ready%n", api);
    out.printf("  metrics    %s/metrics%n", api);
    out.printf("  dashboard  %s  (lag, throughput, dead letters, roles)%n", ops.dashboardUrl());
    out.printf("  registry   %s  (Confluent Schema Registry API)%n", registryServer.url());
    out.printf(
        "  analytics  http://127.0.0.1:%d/v1/analytics/counts?type=<type>&window=1m%n",
        analytics.httpPort());
    out.printf("  kafka      %s%n", kafka.bootstrapServers());
    out.printf("  postgres   %s  (user %s)%n", postgres.jdbcUrl(DATABASE), EmbeddedPostgres.USER);
    out.printf("  connector  outbox -> offload.events.<type>%n");
    out.printf("  streams    router -> offload.work.<handler>, analytics -> offload.analytics.*%n");
    out.printf("  worker     group %s on offload.events.*%n", WorkerConfig.DEFAULT_GROUP);
    String workers = "http://127.0.0.1:" + workerHttp.port();
    out.printf(
        "  handlers   email, index, analytics on offload.work.<handler> (groups offload-worker-<handler>)%n");
    out.printf("  smtp       %s:%d  (embedded; mails kept in memory)%n", smtp.host(), smtp.port());
    out.printf("  mailbox    %s/v1/dev/mailbox%n", workers);
    out.printf("  search     %s/v1/search?q=<words>%n", workers);
    out.printf("  pages      %s/v1/analytics/pages?from=<instant>&to=<instant>%n", workers);
    out.printf("Stop with Ctrl-C; the next start resumes from %s.%n", dataDir);
  }

  /** Stops every part that started, in reverse order. */
  @Override
  public synchronized void close() {
    while (!running.isEmpty()) {
      AutoCloseable part = running.pop();
      try {
        part.close();
      } catch (Exception e) {
        log.warn("stopping {} failed: {}", part.getClass().getSimpleName(), e.toString());
      }
    }
  }

  /** Base URL of the ingest API. */
  public String apiUrl() {
    return api.baseUrl();
  }

  /** Bootstrap servers of the Kafka broker. */
  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** JDBC URL of the database of the outbox, the apps and the workers (user {@code postgres}). */
  public String jdbcUrl() {
    return postgres.jdbcUrl(DATABASE);
  }

  /** The embedded SMTP server the email worker sends to. */
  public EmbeddedSmtp smtp() {
    return smtp;
  }

  /** The search index the index worker writes. */
  public SearchIndex searchIndex() {
    return handlers.index();
  }

  /** How long the start took. */
  public Duration readyAfter() {
    return Duration.ofMillis(readyMillis);
  }
}
