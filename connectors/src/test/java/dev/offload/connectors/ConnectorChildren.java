package dev.offload.connectors;

import static org.awaitility.Awaitility.await;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.Children;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The connector processes a test starts ({@link ConnectorChildMain}, each in a new JVM), so they
 * can be killed by signal; closing kills any still alive.
 */
final class ConnectorChildren implements AutoCloseable {
  private final List<String> args;
  private final List<Process> started = new ArrayList<>();

  /**
   * Children of one connector: database {@code database}, slot of the same name, positions in
   * {@code offsets}, flushed every {@code flushInterval}.
   */
  ConnectorChildren(Infrastructure infra, String database, Path offsets, Duration flushInterval) {
    this.args =
        List.of(
            "--bootstrap=" + infra.bootstrapServers(),
            "--db-host=" + infra.postgresHost(),
            "--db-port=" + infra.postgresPort(),
            "--db-name=" + database,
            "--db-user=" + infra.postgresUser(),
            "--slot=" + database,
            "--publication=" + database + "_pub",
            "--name=crash-" + database,
            "--offset-file=" + offsets.toAbsolutePath(),
            "--offset-flush-ms=" + flushInterval.toMillis());
  }

  /** Starts a connector process, its output to {@code log}, and waits until it streams. */
  Process start(Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ConnectorChildMain.class.getName());
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
    // The password (empty on the embedded server) travels in the environment, not argv.
    builder.environment().put(ConnectorChildMain.PASSWORD_ENV, "");
    Process process = builder.start();
    started.add(process);
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(50))
        .failFast("connector process exited", Children.alive("the connector", process, log))
        .until(() -> Files.readString(log).contains(ConnectorChildMain.RUNNING_LINE));
    return process;
  }

  /** Kills every started process still alive. */
  @Override
  public void close() {
    started.stream().filter(Process::isAlive).forEach(Process::destroyForcibly);
  }
}
