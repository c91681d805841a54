package dev.offload.app;

import com.zaxxer.hikari.HikariDataSource;
import dev.offload.app.internal.WorkerRoleConfig;
import dev.offload.consumers.HandlerCatalog;
import dev.offload.consumers.HandlerContext;
import dev.offload.consumers.HandlerDefinition;
import dev.offload.consumers.WorkerRole;
import dev.offload.consumers.database.DatabasePool;
import dev.offload.consumers.worker.WorkerOptions;
import dev.offload.runtime.http.HealthServer;
import dev.offload.runtime.tracing.SpanExemplars;
import dev.offload.runtime.tracing.Tracing;
import dev.offload.schemas.Topics;
import dev.offload.schemas.registry.RegistryClient;
import dev.offload.schemas.registry.RegistryClientConfig;
import dev.offload.schemas.registry.SchemaRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code offload worker}: runs one handler role as a member of its consumer group. */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = {
      "Run one worker role: email (SMTP), index (Lucene on disk) or analytics (PostgreSQL rollup),",
      "reading the work topic offload.work.<handler> that the router topology fills.",
      "Settings come from --config (YAML), then OFFLOAD_* environment variables, then the options",
      "below; the defaults run against offload dev. PostgreSQL is reached through a pool of",
      "database.pool-size connections (default: sized to the handler); processed-event marks",
      "older than dedup.retention (default 7d) are purged every dedup.purge-interval (default",
      "10m). Secrets only from OFFLOAD_DATABASE_PASSWORD and OFFLOAD_SMTP_PASSWORD (or their",
      "_FILE variables and password-file keys); Kafka security from the file's kafka.security,",
      "under OFFLOAD_KAFKA_SECURITY_PROTOCOL and the other OFFLOAD_KAFKA_SASL_*/OFFLOAD_KAFKA_SSL_*",
      "variables. Serves /health/ready, /health/live and /metrics on http.port. Scale out by",
      "starting more instances with the same --group.",
      "Stops cleanly on Ctrl-C."
    })
final class WorkerCommand implements Callable<Integer> {
  /** The roles a worker can run. */
  enum Role {
    email,
    index,
    analytics
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--handler",
      required = true,
      description = "Role to run: ${COMPLETION-CANDIDATES}.")
  Role handler;

  @Option(
      names = "--config",
      description = "YAML configuration file (keys in the WorkerRoleConfig javadoc).")
  Path config;

  @Option(
      names = "--concurrency",
      description =
          "Most events handled at once (default: the file's concurrency, else 64 for email and"
              + " 1024 for index and analytics, whose batches grow with it).")
  Integer concurrency;

  @Option(
      names = "--group",
      description =
          "Consumer group (default: offload-worker-<handler>; offload-<handler> is taken by the streams topologies).")
  String group;

  @Option(
      names = {"-b", "--bootstrap-server"},
      description = "Kafka bootstrap servers (default: 127.0.0.1:9092).")
  String bootstrapServers;

  @Option(
      names = "--registry-url",
      description = "Schema registry URL (default: http://127.0.0.1:8081).")
  String registryUrl;

  @Option(
      names = "--metrics-port",
      description =
          "HTTP port for GET /health/ready, /health/live and /metrics (Prometheus text)"
              + " (default: the file's http.port, else "
              + WorkerRoleConfig.DEFAULT_HTTP_PORT
              + "; 0 = any free port, -1 = none).")
  Integer metricsPort;

  @Option(
      names = "--replay-share",
      description =
          "Also consume the replay lane offload.replay.<group> (fill it with offload replay --into"
              + " offload.replay.<group>) with at most this share of --concurrency in flight,"
              + " 0 to 1 (default: 0, no lane).")
  double replayShare;

  private final PrometheusMeterRegistry meters =
      new PrometheusMeterRegistry(
          PrometheusConfig.DEFAULT,
          new PrometheusRegistry(),
          io.micrometer.core.instrument.Clock.SYSTEM,
          new SpanExemplars());

  @Mixin PrintConfigOption printConfig = new PrintConfigOption();

  /** The options that override the file's keys, by key; {@code null} where not given. */
  private Map<String, String> options() {
    Map<String, String> options = new HashMap<>();
    options.put("kafka.bootstrap-servers", bootstrapServers);
    options.put("registry-url", registryUrl);
    options.put("group", group);
    options.put("concurrency", concurrency == null ? null : concurrency.toString());
    options.put("http.port", metricsPort == null ? null : metricsPort.toString());
    return options;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    try {
      if (printConfig.printIfRequested(
          spec, () -> WorkerRoleConfig.LOADER.print(config, System.getenv(), options()))) {
        return 0;
      }
    } catch (IllegalArgumentException | UncheckedIOException e) {
      err.println("offload: " + e.getMessage());
      return 2;
    }
    WorkerRoleConfig settings;
    try {
      settings = WorkerRoleConfig.LOADER.load(config, System.getenv(), options());
    } catch (IllegalArgumentException | UncheckedIOException e) {
      err.println("offload: " + e.getMessage());
      return 2;
    }
    if (!(replayShare >= 0 && replayShare <= 1)) {
      err.println("offload: --replay-share must be between 0 and 1, was " + replayShare);
      return 2;
    }
    HandlerDefinition<?> definition = HandlerCatalog.builtIns().require(handler.name());
    String name = settings.group() == null ? definition.defaultGroup() : settings.group();
    String topic = settings.topic() == null ? Topics.work(handler.toString()) : settings.topic();
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      SchemaRegistry registry = new RegistryClient(RegistryClientConfig.of(settings.registryUrl()));
      int maxInFlight =
          settings.concurrency() > 0 ? settings.concurrency() : definition.defaultMaxInFlight();
      WorkerOptions options =
          definition
              .defaultOptions(settings.kafka().bootstrapServers(), name)
              .withTopics(List.of(topic))
              .withMaxInFlight(maxInFlight)
              .withKafkaProperties(kafkaProperties(settings));
      CountDownLatch stopped = new CountDownLatch(1);
      HandlerContext context =
          context(settings, definition, name, registry, Math.min(maxInFlight, 32), resources);
      Tracing tracing = Tracing.fromEnvironment(System.getenv(), "offload-worker-" + handler);
      resources.add(tracing);
      WorkerRole role = start(definition, options, context, settings, tracing);
      resources.add(0, role);
      if (settings.http().port() >= 0) {
        resources.add(
            HealthServer.on(settings.http().host(), settings.http().port())
                .readiness(role::isRunning)
                .metrics(meters)
                .start());
      }
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    closeAll(resources, err);
                    stopped.countDown();
                  },
                  "offload-worker-stop"));
      spec.commandLine()
          .getOut()
          .println("worker " + handler + " running in group " + name + " on " + topic);
      spec.commandLine().getOut().flush();
      stopped.await();
      return 0;
    } catch (SQLException | IOException | RuntimeException e) {
      err.println("offload: cannot run the " + handler + " worker: " + e.getMessage());
      closeAll(resources, err);
      return 1;
    }
  }

  /**
   * What the handler binds to: the SMTP server (email), the index directory (index) and, for a
   * handler with a database, a pool of {@code jdbc.pool-size} connections, or as many as it uses on
   * {@code threads} threads when that is 0; the pool is closed with the other resources.
   */
  private HandlerContext context(
      WorkerRoleConfig c,
      HandlerDefinition<?> definition,
      String group,
      SchemaRegistry registry,
      int threads,
      List<AutoCloseable> resources) {
    HandlerContext.Builder context =
        HandlerContext.builder(group, registry, meters)
            .threads(threads)
            .indexDir(c.indexDir())
            .dedup(c.dedup().retention(), c.dedup().purgeInterval());
    if (handler == Role.email) {
      context.smtp(c.smtp());
    }
    int connections = definition.connections(OptionalInt.of(threads));
    if (connections > 0) {
      HikariDataSource pool =
          DatabasePool.open(
              c.database().jdbcUrl(),
              c.database().user(),
              c.database().password(),
              c.database().poolSize() > 0 ? c.database().poolSize() : connections,
              "offload-worker-" + handler,
              meters);
      resources.add(pool);
      context.database(pool);
    }
    return context.build();
  }

  /** Starts {@code definition}'s role behind the configured rate limits, if any. */
  private <T> WorkerRole start(
      HandlerDefinition<T> definition,
      WorkerOptions options,
      HandlerContext context,
      WorkerRoleConfig c,
      Tracing tracing)
      throws IOException, SQLException {
    WorkerRole.Builder<T> role =
        WorkerRole.builder(definition, options, context).replayShare(replayShare).tracing(tracing);
    WorkerRoleConfig.Limit perHandler = c.rateLimits().perHandler();
    if (perHandler != null) {
      role.perHandlerLimit(perHandler.permits(), perHandler.period());
    }
    WorkerRoleConfig.Limit perKey = c.rateLimits().perKey();
    if (perKey != null) {
      role.perKeyLimit(perKey.permits(), perKey.period());
    }
    return role.start();
  }

  /** The Kafka security of the file and the environment, then the file's kafka.properties. */
  private static Map<String, String> kafkaProperties(WorkerRoleConfig settings) {
    Map<String, String> properties =
        new LinkedHashMap<>(settings.kafka().clientSecurity().clientPropertiesAsText());
    properties.putAll(settings.kafka().properties());
    return properties;
  }

  private static void closeAll(List<AutoCloseable> resources, PrintWriter err) {
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        err.println("offload: could not close " + resource.getClass().getSimpleName() + ": " + e);
      }
    }
    resources.clear();
  }
}
