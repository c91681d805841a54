package dev.offload.app;

import dev.offload.consumers.breaker.CircuitBreaker;
import dev.offload.consumers.dedup.ProcessedEventStore;
import dev.offload.consumers.handlers.EventDeserializers;
import dev.offload.consumers.handlers.analytics.AnalyticsHandler;
import dev.offload.consumers.handlers.analytics.PageAnalytics;
import dev.offload.consumers.handlers.email.EmailConfig;
import dev.offload.consumers.handlers.email.EmailHandler;
import dev.offload.consumers.handlers.index.IndexHandler;
import dev.offload.consumers.handlers.index.SearchIndex;
import dev.offload.consumers.handlers.index.SearchIndexConfig;
import dev.offload.consumers.worker.HandlerBinding;
import dev.offload.consumers.worker.Worker;
import dev.offload.consumers.worker.WorkerOptions;
import dev.offload.schemas.BuiltInEventTypes;
import dev.offload.schemas.registry.RegistryClient;
import dev.offload.schemas.registry.RegistryClientConfig;
import dev.offload.schemas.registry.SchemaRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code offload worker}: runs one handler role as a member of its consumer group. */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = {
      "Run one worker role: email (SMTP), index (Lucene on disk) or analytics (PostgreSQL rollup).",
      "Scale out by starting more instances with the same --group. Stops cleanly on Ctrl-C."
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
      names = "--concurrency",
      defaultValue = "64",
      description = "Most events handled at once (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--group", description = "Consumer group (default: offload-<handler>).")
  String group;

  @Option(
      names = {"-b", "--bootstrap-server"},
      defaultValue = "127.0.0.1:9092",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(
      names = "--registry-url",
      defaultValue = "http://127.0.0.1:8081",
      description = "Schema registry URL (default: ${DEFAULT-VALUE}).")
  String registryUrl;

  @Option(
      names = "--smtp-host",
      defaultValue = "127.0.0.1",
      description = "SMTP server host, email role (default: ${DEFAULT-VALUE}).")
  String smtpHost;

  @Option(
      names = "--smtp-port",
      defaultValue = "2525",
      description = "SMTP server port, email role (default: ${DEFAULT-VALUE}).")
  int smtpPort;

  @Option(
      names = "--smtp-from",
      defaultValue = "Offload <no-reply@offload.local>",
      description = "Sender address, email role (default: ${DEFAULT-VALUE}).")
  String smtpFrom;

  @Option(
      names = "--index-dir",
      defaultValue = "offload-data/index",
      description = "Search index directory, index role (default: ${DEFAULT-VALUE}).")
  Path indexDir;

  @Option(
      names = "--jdbc-url",
      defaultValue = "jdbc:postgresql://127.0.0.1:5432/offload",
      description =
          "PostgreSQL for processed-event marks and analytics (default: ${DEFAULT-VALUE}).")
  String jdbcUrl;

  @Option(
      names = "--jdbc-user",
      defaultValue = "${env:OFFLOAD_JDBC_USER:-postgres}",
      description = "PostgreSQL user (default: $OFFLOAD_JDBC_USER or postgres).")
  String jdbcUser;

  @Option(
      names = "--jdbc-password-env",
      defaultValue = "OFFLOAD_JDBC_PASSWORD",
      description =
          "Environment variable holding the PostgreSQL password (default: ${DEFAULT-VALUE}).")
  String jdbcPasswordEnv;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if (concurrency < 1) {
      err.println("offload: --concurrency must be at least 1");
      return 2;
    }
    String name = group == null ? "offload-" + handler : group;
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      SchemaRegistry registry = new RegistryClient(RegistryClientConfig.of(registryUrl));
      HandlerBinding<?> binding = binding(name, registry, resources);
      List<String> topics = topics();
      WorkerOptions options =
          WorkerOptions.defaults(bootstrapServers, name, topics).withMaxInFlight(concurrency);
      CountDownLatch stopped = new CountDownLatch(1);
      Worker worker = Worker.builder(options, binding).start();
      resources.add(0, worker);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    closeAll(resources, err);
                    stopped.countDown();
                  },
                  "offload-worker-stop"));
      spec.commandLine().getOut().println("worker " + handler + " running in group " + name);
      spec.commandLine().getOut().flush();
      stopped.await();
      return 0;
    } catch (SQLException | IOException | RuntimeException e) {
      err.println("offload: cannot run the " + handler + " worker: " + e.getMessage());
      closeAll(resources, err);
      return 1;
    }
  }

  private HandlerBinding<?> binding(
      String name, SchemaRegistry registry, List<AutoCloseable> resources) throws Exception {
    int threads = Math.min(concurrency, 32);
    switch (handler) {
      case email -> {
        EmailConfig config = EmailConfig.defaults(smtpHost, smtpPort).withFrom(smtpFrom);
        ProcessedEventStore store = ProcessedEventStore.open(dataSource(), name);
        return EmailHandler.binding(
            config,
            store,
            EventDeserializers.avroByTopic(registry, EmailHandler.TYPES),
            threads,
            CircuitBreaker.withDefaults("smtp"));
      }
      case index -> {
        SearchIndex index = SearchIndex.open(SearchIndexConfig.defaults(indexDir));
        resources.add(index);
        return IndexHandler.binding(
            index, EventDeserializers.avro(registry, BuiltInEventTypes.DOCUMENT_CHANGED));
      }
      default -> {
        DataSource db = dataSource();
        return AnalyticsHandler.binding(
            PageAnalytics.open(db),
            ProcessedEventStore.open(db, name),
            EventDeserializers.avro(registry, BuiltInEventTypes.PAGE_VIEWED),
            threads);
      }
    }
  }

  private List<String> topics() {
    return switch (handler) {
      case email -> EmailHandler.TOPICS;
      case index -> IndexHandler.TOPICS;
      case analytics -> AnalyticsHandler.TOPICS;
    };
  }

  private DataSource dataSource() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(jdbcUrl);
    ds.setUser(jdbcUser);
    String password = System.getenv(jdbcPasswordEnv);
    if (password != null) {
      ds.setPassword(password);
    }
    return ds;
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
