package dev.offload.app;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code offload} command: one sub-command per process role. */
@Command(
    name = "offload",
    mixinStandardHelpOptions = true,
    versionProvider = Offload.Version.class,
    description = {
      "Offload: an event-driven asynchronous processing backbone.",
      "Apps publish events over HTTP or inside their own JDBC transactions; the events are captured",
      "from PostgreSQL's write-ahead log into Kafka and handled by workers, durably and in order."
    },
    subcommands = {
      DevCommand.class,
      DemoCommand.class,
      ApiCommand.class,
      AppsCommand.class,
      TailCommand.class,
      RegistryCommand.class,
      ConnectorCommand.class,
      SchemasCommand.class,
      StreamsCommand.class,
      WorkerCommand.class,
      OpsCommand.class,
      DlqCommand.class,
      LagCommand.class,
      ReplayCommand.class,
      TraceCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Offload implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    // Offload hands its tracers to each part (Tracing); the process-wide one stays no-op. Set
    // before anything asks for it, so that Debezium's tracing support, which does, finds it
    // instead of logging OpenTelemetry's notice that automatic configuration is disabled.
    GlobalOpenTelemetry.set(OpenTelemetry.noop());
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, for tests and embedding. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Offload());
    cli.setUsageHelpWidth(100);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("offload: " + messageOf(e));
          return 1;
        });
    return cli;
  }

  private static String messageOf(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && (t.getMessage() == null || t.getMessage().isBlank())) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getName() : t.getMessage();
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The version of the running jar. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Offload.class.getPackage().getImplementationVersion();
      return new String[] {"offload " + (v == null ? "development build" : v)};
    }
  }
}
