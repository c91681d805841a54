package dev.offload.consumers.crash;

import dev.offload.consumers.handlers.index.SearchIndex;
import dev.offload.consumers.handlers.index.SearchIndexConfig;
import dev.offload.consumers.worker.Worker;
import dev.offload.schemas.registry.RegistryClient;
import dev.offload.schemas.registry.RegistryClientConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A worker process for the crash tests, run as a child JVM on the test class path: the three
 * handler workers of {@link HandlerTrio}, until SIGTERM (clean stop) or SIGKILL (a crash). Prints
 * {@code started} once the workers run.
 *
 * <p>Arguments: bootstrap, registry URL, JDBC URL, JDBC user, SMTP port, index directory, group
 * prefix, email topic, index topic, analytics topic, delay in milliseconds. The JDBC password is
 * read from {@code OFFLOAD_JDBC_PASSWORD}.
 */
public final class WorkerProcessMain {
  private WorkerProcessMain() {}

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
    List<Worker> workers = trio.start(index);
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
