package dev.offload.embedded.junit;

import dev.offload.embedded.EmbeddedKafka;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Kafka broker in a child JVM of its own, so that a test can really kill it (SIGKILL) and start
 * it again on the same data directory and port.
 */
public final class ChildKafka {
  private ChildKafka() {}

  /**
   * Starts a broker on {@code dataDir} and 127.0.0.1:{@code port} in a child JVM on the test's
   * class path; returns once it has started. Its output is drained (and dropped) so it never
   * blocks.
   */
  public static Process start(Path dataDir, int port) throws IOException {
    Process child = launch(dataDir, port, Map.of());
    awaitStarted(child);
    return child;
  }

  /**
   * Starts a broker JVM with {@code overrides} of its properties and returns at once: the nodes of
   * a cluster must all be running before any of them finishes starting. Follow with {@link
   * #awaitStarted}.
   */
  static Process launch(Path dataDir, int port, Map<String, String> overrides) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                ChildKafka.class.getName(),
                dataDir.toString(),
                Integer.toString(port)));
    overrides.forEach((k, v) -> command.add(k + "=" + v));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  /**
   * Reads the child's output until it says its broker started, then drains the rest (dropped) so
   * the child never blocks on a full pipe.
   *
   * @throws IOException when the child ended before its broker started
   */
  static void awaitStarted(Process child) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null && !line.equals("started")) {
      // the broker's log lines
    }
    if (line == null) {
      throw new IOException("the child JVM ended before its broker started");
    }
    Thread drain =
        new Thread(
            () -> {
              try {
                while (out.readLine() != null) {
                  // dropped
                }
              } catch (IOException e) {
                // the child is gone
              }
            },
            "child-kafka-output");
    drain.setDaemon(true);
    drain.start();
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
    EmbeddedKafka.start(Path.of(args[0]), Integer.parseInt(args[1]), overrides);
    System.out.println("started");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
