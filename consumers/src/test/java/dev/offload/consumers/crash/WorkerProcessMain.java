package dev.offload.consumers.crash;

import dev.offload.consumers.handlers.index.SearchIndex;
import dev.offload.consumers.handlers.index.SearchIndexConfig;
import dev.offload.consumers.worker.Worker;
import dev.offload.embedded.Infrastructure;
import dev.offload.schemas.registry.RegistryClient;
import dev.offload.schemas.registry.RegistryClientConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A worker process for the crash tests, run as a child JVM on the test class path: the three
 * handler workers of {@link HandlerTrio}, until SIGTERM (clean stop) or SIGKILL (a crash). Prints
 * {@code started} once the workers run.
 *
 * <p>Arguments: bootstrap, registry URL, JDBC URL, JDBC user, SMTP port, index directory, group
 * prefix, email topic, index topic, analytics topic, delay in milliseconds. The JDBC password is
 * read from {@code OFFLOAD_JDBC_PASSWORD}, an optional consumer session timeout from {@code
 * SESSION_TIMEOUT_MS}.
 */
public final class WorkerProcessMain {
  private WorkerProcessMain() {}

  /**
   * Starts this class in a child JVM for {@code prefix}'s groups, its output in {@code
   * target/it-logs/<prefix>-<name>.log}, {@code env} added to its environment.
   */
  static Process launch(
      Infrastructure infra,
      String registryUrl,
      String jdbcUrl,
      int smtpPort,
      Path index,
      String prefix,
      List<String> topics,
      String name,
      Map<String, String> env)
      throws IOException {
    Path log = log(prefix, name);
    Files.createDirectories(log.getParent());
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            WorkerProcessMain.class.getName(),
            infra.bootstrapServers(),
            registryUrl,
            jdbcUrl,
            infra.postgresUser(),
            Integer.toString(smtpPort),
            index.toString(),
            prefix,
            topics.get(0),
            topics.get(1),
            topics.get(2),
            "20");
    if (infra.postgresPassword() != null) {
      pb.environment().put("OFFLOAD_JDBC_PASSWORD", infra.postgresPassword());
    }
    pb.environment().putAll(env);
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    return pb.start();
  }

  /** Where the child {@code name} of {@code prefix}'s groups writes its output. */
  static Path log(String prefix, String name) {
    return Path.of("target", "it-logs", prefix + "-" + name + ".log");
  }

  public static void main(String[] args) throws Exception {
    PGSimpleDataSource db = new PGSimpleDataSource();
    db.setUrl(args[2]);
    db.setUser(args[3]);
    String password = System.getenv("OFFLOAD_JDBC_PASSWORD");
    if (password != null) {
      db.setPassword(password);
    }
    HandlerTrio trio =
        new HandlerTrio(
            args[0],
            args[6],
            List.of(args[7], args[8], args[9]),
            new RegistryClient(RegistryClientConfig.of(args[1])),
            db,
            Integer.parseInt(args[4]),
            Duration.ofMillis(Long.parseLong(args[10])));
    SearchIndex index =
        SearchIndex.open(
            SearchIndexConfig.defaults(Path.of(args[5]))
                .withCommitInterval(Duration.ofMillis(100)));
    // A short session (SESSION_TIMEOUT_MS) lets a test stop the process past it in seconds.
    String session = System.getenv("SESSION_TIMEOUT_MS");
    List<Worker> workers =
        trio.start(
            index,
            session == null
                ? Map.of()
                : Map.of(
                    "session.timeout.ms",
                    session,
                    "heartbeat.interval.ms",
                    Long.toString(Long.parseLong(session) / 3)));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  workers.forEach(Worker::close);
                  try {
                    index.close();
                  } catch (Exception e) {
                    System.err.println("closing the index failed: " + e);
                  }
                  stopped.countDown();
                }));
    System.out.println("started");
    System.out.flush();
    stopped.await();
  }
}
