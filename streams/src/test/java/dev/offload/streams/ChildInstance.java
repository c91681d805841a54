package dev.offload.streams;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs one topology from a configuration file in a child JVM, for the crash tests: {@code java -cp
 * <test class path> dev.offload.streams.ChildInstance <config.yaml> <topology>}. Runs until killed.
 */
public final class ChildInstance {
  private ChildInstance() {}

  /**
   * Starts {@code topology} from the file {@code config} in a child JVM on the test's class path,
   * its output in {@code log}; with {@code crashAfterSends}, it halts inside a transaction on that
   * send (see {@link CrashBeforeCommitInterceptor}, which the file must name).
   */
  public static Process start(Path config, Path log, String topology, Long crashAfterSends)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx384m");
    if (crashAfterSends != null) {
      command.add("-D" + CrashBeforeCommitInterceptor.AFTER_SENDS + "=" + crashAfterSends);
    }
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            ChildInstance.class.getName(),
            config.toString(),
            topology));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /** Entry point. */
  public static void main(String[] args) throws InterruptedException {
    StreamsConfiguration configuration =
        StreamsConfiguration.LOADER.load(Path.of(args[0]), Map.of(), Map.of());
    TopologyDefinition definition = TopologyCatalog.of(configuration).require(args[1]);
    StreamsRunner runner = StreamsRunner.start(definition, configuration);
    Runtime.getRuntime().addShutdownHook(new Thread(runner::close, "child-stop"));
    new CountDownLatch(1).await();
  }
}
