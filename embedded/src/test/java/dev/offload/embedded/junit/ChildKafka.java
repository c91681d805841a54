package dev.offload.embedded.junit;

import dev.offload.embedded.EmbeddedKafka;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Kafka broker in a child JVM of its own, so that a test can really kill it (SIGKILL) and start
 * it again on the same data directory and port. The child's output is appended to {@code
 * broker.log} in its data directory, so what the broker did around a fault can be read after the
 * test; the child JVM logs {@code kafka.*} at WARN, and the transaction and group coordinators at
 * INFO.
 */
public final class ChildKafka {
  /** The file the child's output is appended to, in its data directory. */
  public static final String LOG_FILE = "broker.log";

  private static final String STARTED_FILE = "started";
  private static final long START_TIMEOUT_MS = TimeUnit.MINUTES.toMillis(2);

  private ChildKafka() {}

  /**
   * Starts a broker on {@code dataDir} and 127.0.0.1:{@code port} in a child JVM on the test's
   * class path; returns once it has started.
   */
  public static Process start(Path dataDir, int port) throws IOException {
    Process child = launch(dataDir, port, Map.of());
    awaitStarted(child, dataDir);
    return child;
  }

  /**
   * Starts a broker JVM with {@code overrides} of its properties and returns at once: the nodes of
   * a cluster must all be running before any of them finishes starting. Follow with {@link
   * #awaitStarted}.
   */
  static Process launch(Path dataDir, int port, Map<String, String> overrides) throws IOException {
    Files.createDirectories(dataDir);
    Files.deleteIfExists(dataDir.resolve(STARTED_FILE));
    Path logConfig = dataDir.resolve("log4j2.xml");
    try (InputStream in = ChildKafka.class.getResourceAsStream("child-kafka-log4j2.xml")) {
      Files.copy(in, logConfig, StandardCopyOption.REPLACE_EXISTING);
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-Dlog4j2.configurationFile=" + logConfig,
                "-cp",
                System.getProperty("java.class.path"),
                ChildKafka.class.getName(),
                dataDir.toString(),
                Integer.toString(port)));
    overrides.forEach((k, v) -> command.add(k + "=" + v));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve(LOG_FILE).toFile()))
        .start();
  }

  /**
   * Waits until the child says its broker started.
   *
   * @throws IOException when the child ended, or took over two minutes, before its broker started
   */
  static void awaitStarted(Process child, Path dataDir) throws IOException {
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
    while (!Files.exists(dataDir.resolve(STARTED_FILE))) {
      if (!child.isAlive()) {
        throw new IOException(
            "the child JVM ended before its broker started; see " + dataDir.resolve(LOG_FILE));
      }
      if (System.currentTimeMillis() > deadline) {
        throw new IOException(
            "the child JVM's broker did not start in 2 minutes; see " + dataDir.resolve(LOG_FILE));
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted waiting for the child JVM's broker", e);
      }
    }
  }

  /**
   * The child JVM: a broker on the data directory and port given, with the {@code key=value}
   * property overrides that follow, until killed.
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> overrides = new LinkedHashMap<>();
    for (int i = 2; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      overrides.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    Path dataDir = Path.of(args[0]);
    EmbeddedKafka.start(dataDir, Integer.parseInt(args[1]), overrides);
    System.out.println("started");
    System.out.flush();
    Files.writeString(dataDir.resolve(STARTED_FILE), "started\n");
    Thread.sleep(Long.MAX_VALUE);
  }
}
