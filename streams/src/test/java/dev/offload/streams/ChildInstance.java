package dev.offload.streams;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs one topology from a configuration file in a child JVM, for the crash tests: {@code java -cp
 * <test class path> dev.offload.streams.ChildInstance <config.yaml> <topology>}. Runs until killed.
 */
public final class ChildInstance {
  private ChildInstance() {}

  /** Entry point. */
  public static void main(String[] args) throws InterruptedException {
    StreamsConfiguration configuration = StreamsConfiguration.load(Path.of(args[0]), Map.of());
    TopologyDefinition definition = TopologyCatalog.of(configuration).require(args[1]);
    StreamsRunner runner = StreamsRunner.start(definition, configuration);
    Runtime.getRuntime().addShutdownHook(new Thread(runner::close, "child-stop"));
    new CountDownLatch(1).await();
  }
}
