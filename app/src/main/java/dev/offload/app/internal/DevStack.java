package dev.offload.app.internal;

import dev.offload.connectors.ConnectorConfig;
import dev.offload.connectors.OutboxConnector;
import dev.offload.consumers.database.DatabasePool;
import dev.offload.consumers.handlers.email.EmailConfig;
import dev.offload.consumers.handlers.eventlog.EventLogHandler;
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
import dev.offload.runtime.tracing.SpanExemplars;
import dev.offload.runtime.tracing.Tracing;
import dev.offload.schemas.config.ConfigChecks;
import dev.offload.schemas.kafka.KafkaConfig;
import dev.offload.schemas.outbox.OutboxMigrations;
import dev.offload.schemas.outbox.OutboxMode;
import dev.offload.schemas.registry.RegistryClient;
import dev.offload.schemas.registry.RegistryClientConfig;
import dev.offload.streams.StreamsConfiguration;
import dev.offload.streams.StreamsRunner;
import dev.offload.streams.TopologyCatalog;
import dev.offload.streams.analytics.AnalyticsConfig;
import dev.offload.streams.analytics.CountDimension;
import dev.offload.streams.analytics.CountWindow;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.filter.AbstractFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything {@code offload dev} runs, in three layers: PostgreSQL, the Kafka broker and the
 * embedded SMTP server; then the schema registry, the workers' connection pool and the work topics;
 * then the ingest API (validating against the registry) and the outbox connector, the {@code
 * router} and {@code analytics} topologies, the workers (the event log, email, index and analytics,
 * each run by its worker role) with their endpoints, and the operations dashboard. The parts of a
 * layer start at the same time; closing stops the layers in reverse order.
 */
public final class DevStack implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DevStack.class);

  /**
   * The broker is also its own controller, in this process. After a kill -9 the controller that
   * starts again holds the dead broker's registration alive for a session before it lets the new
   * one register: 9 s by default, 3 s here (with a heartbeat every half second, never missed by a
   * broker in the same JVM but under a pause of seconds).
   */
  /** Spans the dev stack keeps for the journeys of events (a few per event and stage). */
  static final int KEPT_SPANS = 50_000;

  /** Every stage's spans, the latest kept in memory for `offload trace` and the dashboard. */
  private volatile Tracing tracing = Tracing.keepingRecent("offload-dev", KEPT_SPANS);

  private static final Map<String, String> BROKER_SETTINGS =
      Map.of("broker.session.timeout.ms", "3000", "broker.heartbeat.interval.ms", "500");

  /** Database that holds the outbox in the dev stack. */
  public static final String DATABASE = "offload";

  private final PartLayers parts = new PartLayers("offload-dev-part");
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(
          PrometheusConfig.DEFAULT,
          new PrometheusRegistry(),
          io.micrometer.core.instrument.Clock.SYSTEM,
          new SpanExemplars());
  private final Path dataDir;
  private final long startedAt = System.nanoTime();
  private volatile long readyMillis;
  private volatile EmbeddedPostgres postgres;
  private volatile EmbeddedKafka kafka;
  private volatile IngestApi api;
  private volatile SchemaRegistryServer registryServer;
  private volatile OpsServer ops;
  private volatile StreamsRunner router;
  private volatile StreamsRunner analytics;
  private volatile OutboxConnector connector;
  private volatile Admin admin;
  private volatile DataSource workerDb;
  private final OutboxMode outboxMode;
  private WorkerPorts workerPorts = WorkerPorts.defaults();
  private volatile EmbeddedSmtp smtp;
  private volatile HandlerWorkers handlers;
  private volatile WorkerHttpServer workerHttp;

  /**
   * Records no spans: {@code offload trace} and the journey page then find none. For measuring the
   * stack without them; called before the start (from its {@code created} callback).
   */
  public void keepNoSpans() {
    tracing = Tracing.off();
  }

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
    return start(ports, workerPorts, dataDir, outboxMode, stack -> {});
  }

  /**
   * Starts every part as the other start does, handing the stack to {@code created} before any part
   * starts: its {@link #close()}, from another thread (a shutdown hook), stops the start after the
   * parts starting at that moment, stops every part started, and makes this start throw {@link
   * StartAbandoned}.
   */
  public static DevStack start(
      DevPorts ports,
      WorkerPorts workerPorts,
      Path dataDir,
      OutboxMode outboxMode,
      Consumer<DevStack> created) {
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
    // The data directory is the user's to choose, often a temporary one for a try-out: Kafka
    // Streams' warning about state in a temporary directory needs no action in the dev stack.
    Configurator.setLevel(
        "org.apache.kafka.streams.processor.internals.StateDirectory", Level.ERROR);
    // Kafka Streams looks up the leaders of its changelog topics while the broker is still creating
    // them and logs each retried lookup as an error.
    Configurator.setLevel(
        "org.apache.kafka.clients.admin.internals.PartitionLeaderStrategy", Level.FATAL);
    // A Kafka Streams thread closing while its offset lookups are answered (Ctrl-C soon after the
    // start) warns once per partition that it no longer holds it.
    Configurator.setLevel(
        "org.apache.kafka.clients.consumer.internals.OffsetFetcherUtils", Level.ERROR);
    // On a restart the broker's controller can be asked to register itself a moment before it
    // becomes the active controller; it answers NotControllerException, logged as an error with
    // its stack trace, and the registration is retried at once.
    Configurator.setLevel("kafka.server.ControllerApis", Level.FATAL);
    quietRecoveryOfUncheckpointedStores();
    DevStack stack = new DevStack(dataDir, outboxMode);
    stack.workerPorts = workerPorts;
    created.accept(stack);
    synchronized (stack) {
      try {
        stack.startAll(ports);
        return stack;
      } catch (RuntimeException e) {
        stack.parts.close();
        throw e;
      }
    }
  }

  /** Thrown by a start that {@link #close()} stopped before it completed. */
  public static final class StartAbandoned extends IllegalStateException {
    StartAbandoned() {
      super("stopped during the start");
    }
  }

  /**
   * After a restart, Kafka Streams under exactly-once finds the stores of tasks whose changelog
   * offsets it had not checkpointed (a store that had nothing to write since its last start, say),
   * wipes them and restores them from their changelog: the counts and seen ids come back whole. It
   * says so with a warning per store and task and an error with stack traces, none of which a
   * person can act on in the dev stack; those lines are dropped here. Any other warning or error of
   * those classes still shows.
   */
  private static void quietRecoveryOfUncheckpointedStores() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    context
        .getConfiguration()
        .getRootLogger()
        .addFilter(
            new AbstractFilter(Filter.Result.DENY, Filter.Result.NEUTRAL) {
              @Override
              public Result filter(LogEvent event) {
                if (!event.getLoggerName().startsWith("org.apache.kafka.streams.processor")) {
                  return onMismatch;
                }
                String message = event.getMessage().getFormattedMessage();
                boolean recovery =
                    message.contains("did not find checkpoint offsets")
                        || message.contains("Encounter corrupted task")
                        || message.contains("are corrupted. Will close the task as dirty")
                        || onlyCorruptedTasks(message);
                return recovery ? onMatch : onMismatch;
              }
            });
    context.updateLoggers();
  }

  /** Whether {@code message} lists task failures and every one is a corrupted task. */
  private static boolean onlyCorruptedTasks(String message) {
    if (!message.contains("Get exceptions for the following tasks")) {
      return false;
    }
    int exceptions = message.split("Exception:", -1).length - 1;
    int corrupted = message.split("TaskCorruptedException:", -1).length - 1;
    return exceptions > 0 && exceptions == corrupted;
  }

  private void startAll(DevPorts ports) {
    bindJvmMetrics();
    // Servers that need nothing else start together, then what needs them, then the roles.
    parts.layer(
        () -> {
          postgres =
              parts.started(EmbeddedPostgres.start(dataDir.resolve("postgres"), ports.postgres()));
          postgres.createDatabaseIfAbsent(DATABASE);
          // Here rather than in the API's start, so that the connector, which captures the outbox
          // table, can start beside the API.
          migrateOutbox();
        },
        () ->
            kafka =
                parts.started(
                    EmbeddedKafka.start(dataDir.resolve("kafka"), ports.kafka(), BROKER_SETTINGS)),
        () -> smtp = parts.started(EmbeddedSmtp.start(workerPorts.smtp())));
    parts.layer(
        () ->
            registryServer =
                parts.started(
                    SchemaRegistryServer.start(
                        RegistryServerConfig.builder(kafka.bootstrapServers())
                            .port(ports.registry())
                            .build())),
        () ->
            admin =
                parts.started(
                    Admin.create(
                        Map.of(
                            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                            kafka.bootstrapServers(),
                            AdminClientConfig.CLIENT_ID_CONFIG,
                            "offload-dev-health"))),
        () ->
            workerDb =
                parts.started(
                    DatabasePool.open(
                        postgres.jdbcUrl(DATABASE),
                        EmbeddedPostgres.USER,
                        "",
                        HandlerWorkers.CONNECTIONS,
                        "offload-dev-workers",
                        registry)),
        // Once, up front: a consumer subscribing first would have the broker create them too.
        () -> HandlerWorkers.createTopics(kafka.bootstrapServers(), analyticsOutputTopics()));
    RegistryClient schemas = new RegistryClient(RegistryClientConfig.of(registryServer.url()));
    parts.layer(
        () ->
            api =
                parts.started(
                    IngestApi.start(
                        apiConfig(ports.api()), registry, readinessChecks(), schemas, tracing)),
        () ->
            connector =
                parts.started(OutboxConnector.start(connectorConfig(), registry, null, tracing)),
        () -> router = parts.started(startTopology("router", -1)),
        () -> analytics = parts.started(startTopology("analytics", ports.analytics())),
        () -> startHandlerWorkers(schemas),
        () ->
            ops =
                parts.started(
                    OpsServer.start(
                        OpsServerConfig.builder(kafka.bootstrapServers()).port(ports.ops()).build(),
                        registry,
                        roleChecks(),
                        tracing)));
    readyMillis = (System.nanoTime() - startedAt) / 1_000_000;
    log.info("offload dev ready in {} ms", readyMillis);
  }

  /**
   * The analytics topology's output topics: created up front, its first counts would otherwise
   * create them and be retried until the new partitions have a leader, with a warning each.
   */
  private static List<String> analyticsOutputTopics() {
    AnalyticsConfig config = AnalyticsConfig.defaults();
    List<String> topics = new ArrayList<>();
    for (CountDimension dimension : CountDimension.values()) {
      for (CountWindow window : CountWindow.values()) {
        topics.add(config.outputTopic(dimension, window));
      }
    }
    return topics;
  }

  private void migrateOutbox() {
    try (Connection connection =
        DriverManager.getConnection(postgres.jdbcUrl(DATABASE), EmbeddedPostgres.USER, "")) {
      OutboxMigrations.migrate(connection);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the outbox tables: " + e.getMessage(), e);
    }
  }

  private void startHandlerWorkers(RegistryClient schemas) {
    handlers =
        parts.started(
            HandlerWorkers.start(
                kafka.bootstrapServers(),
                schemas,
                EmailConfig.defaults(smtp.host(), smtp.port()),
                dataDir.resolve("index"),
                workerDb,
                registry,
                tracing));
    workerHttp =
        parts.started(
            WorkerHttpServer.start(
                workerPorts.http(), smtp, handlers.index(), handlers.analytics()));
  }

  private ApiConfig apiConfig(int apiPort) {
    return ApiConfig.of(postgres.jdbcUrl(DATABASE), EmbeddedPostgres.USER, "")
        .with(
            Map.of(
                "http.port",
                Integer.toString(apiPort),
                "outbox.mode",
                outboxMode.configName(),
                // The connector, started beside the API, makes its slot: until it has, a request
                // is answered 503 capture-not-ready rather than accepted and never captured.
                "outbox.require-capture",
                "true"));
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
    StreamsConfiguration d = StreamsConfiguration.LOADER.defaults(Map.of());
    // The handler workers read offload.work.<handler>: route each built-in type to its handler.
    StreamsConfiguration configuration =
        ConfigChecks.check(
            new StreamsConfiguration(
                new KafkaConfig(
                    kafka.bootstrapServers(),
                    // An event type registered at run time gets its topic later: the router,
                    // subscribed by pattern, sees it at its next metadata refresh (5 minutes by
                    // default).
                    Map.of(
                        "metadata.max.age.ms",
                        "5000",
                        // The only member of its group, a static one: after a kill -9 the next
                        // start
                        // takes the dead member's place at once; a clean stop leaves the group (see
                        // leaveGroupOnClose).
                        "group.instance.id",
                        "offload-" + name + "-dev",
                        "session.timeout.ms",
                        "10000"),
                    Map.of()),
                null,
                d.processingGuarantee(),
                dataDir.resolve("streams"),
                1,
                1,
                d.commitInterval(),
                new StreamsConfiguration.Http("127.0.0.1", httpPort),
                Map.of("router", Map.<String, Object>of("routes", HandlerWorkers.ROUTES))));
    // One instance of each: leaving the group on stop lets the next start take its tasks at once.
    return StreamsRunner.start(
            TopologyCatalog.of(configuration).require(name), configuration, registry, tracing)
        .leaveGroupOnClose();
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
    checks.put("worker", () -> handlers != null && handlers.isRunning(EventLogHandler.NAME));
    checks.put("handlers", () -> handlers != null && handlers.isRunning());
    return checks;
  }

  /**
   * The dashboard's role badges: one per part that runs, named for it (readiness's {@code started}
   * is a condition, not a role).
   */
  private Map<String, BooleanSupplier> roleChecks() {
    Map<String, BooleanSupplier> roles = new LinkedHashMap<>();
    // Looked up at the first check: the dashboard starts at the same time as the API.
    AtomicReference<BooleanSupplier> apiLive = new AtomicReference<>();
    roles.put(
        "api",
        () -> {
          IngestApi started = api;
          return started != null
              && apiLive
                  .updateAndGet(
                      live ->
                          live != null
                              ? live
                              : RoleChecks.http(URI.create(started.baseUrl() + "/health/live")))
                  .getAsBoolean();
        });
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

  /**
   * Prints one line per service with its address, the API first, after how long the command took to
   * be ready ({@code sinceCommand}, from the process start) and how much of it the stack took.
   */
  public void describe(PrintWriter out, Duration sinceCommand) {
    String api = "http://127.0.0.1:" + this.api.port();
    out.printf(
        "Offload dev is ready in %.1f s (the servers and roles took %.1f s of it); data in %s%n",
        sinceCommand.toMillis() / 1000.0, readyMillis / 1000.0, dataDir);
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
    out.printf("  worker     group %s on offload.events.*%n", EventLogHandler.GROUP);
    String workers = "http://127.0.0.1:" + workerHttp.port();
    out.printf(
        "  handlers   email, index, analytics on offload.work.<handler> (groups offload-worker-<handler>)%n");
    out.printf("  smtp       %s:%d  (embedded; mails kept in memory)%n", smtp.host(), smtp.port());
    out.printf("  mailbox    %s/v1/dev/mailbox%n", workers);
    out.printf("  search     %s/v1/search?q=<words>%n", workers);
    out.printf("  pages      %s/v1/analytics/pages?from=<instant>&to=<instant>%n", workers);
    out.printf("Stop with Ctrl-C; the next start resumes from %s.%n", dataDir);
  }

  /**
   * Stops every part that started, in reverse order, the parts started together at once. During the
   * start (from another thread) it waits for the parts starting at that moment, then stops them
   * all.
   */
  @Override
  public void close() {
    parts.abandon();
    synchronized (this) {
      parts.close();
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
