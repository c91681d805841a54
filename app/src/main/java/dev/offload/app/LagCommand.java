package dev.offload.app;

import dev.offload.ops.Terminal;
import dev.offload.ops.lag.LagMonitor;
import dev.offload.ops.lag.LagMonitorConfig;
import dev.offload.ops.lag.LagReport;
import dev.offload.ops.lag.LagSnapshot;
import dev.offload.schemas.config.ConfigChecks;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code offload lag}: consumer lag in records and seconds, with a status per group. */
@Command(
    name = "lag",
    mixinStandardHelpOptions = true,
    description = {
      "Show consumer lag: per group a table of its partitions, most lagging first, with the",
      "committed offset, log end, lag in records, lag in seconds (age of the oldest unconsumed",
      "record; ~ marks an interpolated value), the time to drain (seconds until the lag reaches",
      "0 at the recent consume and produce rates; never when the group is not gaining) and a",
      "status: OK, WARN, STALL, STOP or ERR. A group behind by more than its --objective is",
      "WARN, and ERR while its lag keeps growing over a full window of samples. STALL, the",
      "growing ERR and the time to drain need more than one sample, so they appear with --watch."
    })
final class LagCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-g", "--group"},
      paramLabel = "GROUP",
      description = "Only this consumer group; repeat for several (default: every group).")
  List<String> groups = new ArrayList<>();

  @Option(
      names = "--watch",
      description = "Sample again every --interval and redraw until Ctrl-C (default: once).")
  boolean watch;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "Time between samples with --watch, e.g. 2s (default: ${DEFAULT-VALUE}).")
  Duration interval;

  @Option(
      names = "--window",
      paramLabel = "N",
      defaultValue = "10",
      description = "Samples per partition the status rules look at (default: ${DEFAULT-VALUE}).")
  int window;

  @Option(
      names = "--objective",
      paramLabel = "[GROUP=]DURATION",
      description = LagObjectiveOption.DESCRIPTION)
  List<String> objectives = new ArrayList<>();

  @Option(
      names = "--json",
      description = "Print JSON instead of tables; with --watch, one document per line.")
  boolean json;

  @Mixin KafkaOption kafka;

  @Override
  public Integer call() throws InterruptedException {
    LagMonitorConfig config;
    try {
      config =
          ConfigChecks.check(
              LagMonitorConfig.builder(kafka.bootstrapServers)
                  .groups(Set.copyOf(groups))
                  .interval(interval)
                  .windowSize(window)
                  .objectives(LagObjectiveOption.parse(objectives, spec.commandLine()))
                  .security(kafka.security())
                  .build());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    try (LagMonitor monitor = LagMonitor.create(config)) {
      if (!watch) {
        print(out, monitor.sampleOnce(), false);
        return 0;
      }
      CountDownLatch stop = new CountDownLatch(1);
      Thread hook = new Thread(stop::countDown, "offload-lag-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      do {
        print(out, monitor.sampleOnce(), true);
      } while (!stop.await(interval.toMillis(), TimeUnit.MILLISECONDS));
      return 0;
    }
  }

  private void print(PrintWriter out, LagSnapshot snapshot, boolean redraw) {
    if (json) {
      out.println(LagReport.json(snapshot, !redraw));
    } else {
      if (redraw && Terminal.isInteractive()) {
        out.print("\u001b[H\u001b[2J"); // cursor home, clear screen
      } else if (redraw) {
        out.println();
      }
      out.print(LagReport.table(snapshot, Terminal.colourEnabled()));
    }
    out.flush();
  }
}
