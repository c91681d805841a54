package dev.offload.app;

import dev.offload.app.internal.DevPorts;
import dev.offload.app.internal.DevStack;
import dev.offload.app.internal.WorkerPorts;
import dev.offload.bench.DemoLoad;
import dev.offload.schemas.outbox.OutboxMode;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code offload dev}: the whole stack in one JVM on the embedded servers. */
@Command(
    name = "dev",
    mixinStandardHelpOptions = true,
    description = {
      "Run the whole stack in one process, with no installed services: a Kafka broker (KRaft),",
      "PostgreSQL with logical decoding, the schema registry, the ingest API (validating events",
      "against their schemas), the outbox connector, the router and analytics topologies, the",
      "email, index and analytics workers with an SMTP server that keeps mails in memory, and the",
      "operations dashboard.",
      "Data stays under --data-dir, so the next start resumes where this one stopped.",
      "Listens on loopback only. Stop with Ctrl-C.",
      "With --demo it also publishes a steady stream of realistic events (see offload demo)."
    })
final class DevCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--data-dir",
      defaultValue = ".offload",
      description = "Directory for all data (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--api-port",
      defaultValue = "8080",
      description = "Port of the HTTP API, health and metrics (default: ${DEFAULT-VALUE}).")
  int apiPort;

  @Option(
      names = "--kafka-port",
      defaultValue = "9092",
      description = "Port of the Kafka broker (default: ${DEFAULT-VALUE}).")
  int kafkaPort;

  @Option(
      names = "--registry-port",
      defaultValue = "8081",
      description = "Port of the schema registry (default: ${DEFAULT-VALUE}).")
  int registryPort;

  @Option(
      names = "--analytics-port",
      defaultValue = "8085",
      description = "Port of the analytics queries (default: ${DEFAULT-VALUE}).")
  int analyticsPort;

  @Option(
      names = "--ops-port",
      defaultValue = "8090",
      description = "Port of the operations dashboard (default: ${DEFAULT-VALUE}).")
  int opsPort;

  @Option(
      names = "--postgres-port",
      defaultValue = "0",
      description = "Port of PostgreSQL (default: a free port, printed at start).")
  int postgresPort;

  @Option(
      names = "--outbox-mode",
      defaultValue = "table",
      converter = OutboxModeConverter.class,
      description =
          "How the API writes events: table (outbox rows) or message (table-less logical"
              + " decoding messages) (default: ${DEFAULT-VALUE}).")
  OutboxMode outboxMode;

  @Option(
      names = "--workers-port",
      defaultValue = "" + WorkerPorts.DEFAULT_HTTP,
      description =
          "Port of the handler workers' endpoints: /v1/dev/mailbox, /v1/search?q=,"
              + " /v1/analytics/pages (default: ${DEFAULT-VALUE}).")
  int workersPort;

  @Option(
      names = "--smtp-port",
      defaultValue = "" + WorkerPorts.DEFAULT_SMTP,
      description = "Port of the embedded SMTP server (default: ${DEFAULT-VALUE}).")
  int smtpPort;

  @Option(
      names = "--demo",
      description =
          "Once the stack is ready, publish a gentle stream of realistic events to it until it"
              + " stops: sign-ups, document changes, page views, and one in 200 that the email"
              + " worker dead-letters (as offload demo does).")
  boolean demo;

  @Option(
      names = "--no-traces",
      description =
          "Record no spans: offload trace and the dashboard's journey page then find none. By"
              + " default the stack keeps the latest "
              + "50,000 spans of every stage in memory.")
  boolean noTraces;

  @Option(
      names = "--demo-rate",
      defaultValue = "" + DemoLoad.DEFAULT_RATE,
      description =
          "With --demo: events per second, 1-"
              + DemoLoad.MAX_RATE
              + " (default: ${DEFAULT-VALUE}).")
  int demoRate;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (demoRate < 1 || demoRate > DemoLoad.MAX_RATE) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--demo-rate must be 1-" + DemoLoad.MAX_RATE + " events/s, was " + demoRate);
    }
    if (System.getenv("OFFLOAD_LOG_LEVEL") == null) {
      // The ready table says what runs where; each part's own start and stop lines would bury it.
      // Warnings and errors still show, and OFFLOAD_LOG_LEVEL=INFO brings the rest back.
      Configurator.setLevel("dev.offload", Level.WARN);
    }
    if (System.getenv("OFFLOAD_WORKER_LOG_LEVEL") == null) {
      Configurator.setLevel("dev.offload.consumers.handlers.eventlog.EventLogHandler", Level.WARN);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicReference<DevStack> starting = new AtomicReference<>();
    AtomicReference<DemoLoad> demoLoad = new AtomicReference<>();
    AtomicBoolean ready = new AtomicBoolean();
    // Installed before the start, so that Ctrl-C during it stops what had started (after the
    // parts starting at that moment) instead of leaving PostgreSQL and the rest behind.
    Thread hook =
        new Thread(
            () -> {
              // The demo stops first, so the stack does not refuse its last requests.
              DemoLoad running = demoLoad.getAndSet(null);
              if (running != null) {
                running.close();
              }
              long stopping = System.nanoTime();
              DevStack stack = starting.get();
              if (stack != null) {
                stack.close();
              }
              out.printf(
                  ready.get()
                      ? "Stopped in %.1f s; the next start resumes from %s.%n"
                      : "Stopped during the start, in %.1f s; the next start resumes from %s.%n",
                  (System.nanoTime() - stopping) / 1e9,
                  dataDir.toAbsolutePath().normalize());
              String archive = System.getProperty("offload.cds.archive");
              if (archive != null && ready.get()) {
                // Set by the offload launcher on the first run of a build (see the script).
                out.printf(
                    "Saving the classes this run loaded to %s, so that later starts take about a"
                        + " third less CPU (once per build; about 10 s)...%n",
                    archive);
              }
              out.flush();
              stopped.countDown();
            },
            "offload-dev-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    DevStack stack;
    try {
      stack =
          DevStack.start(
              new DevPorts(apiPort, kafkaPort, registryPort, analyticsPort, opsPort, postgresPort),
              new WorkerPorts(workersPort, smtpPort),
              dataDir,
              outboxMode,
              created -> {
                starting.set(created);
                if (noTraces) {
                  created.keepNoSpans();
                }
              });
    } catch (RuntimeException | Error e) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C during the start (a part may fail as the JVM shuts down, or the start is
        // abandoned): the hook stops what started and says so.
        stopped.await();
        return 130;
      }
      throw e;
    }
    stack.describe(out, sinceProcessStart());
    ready.set(true);
    markReadyForTheArchive();
    out.flush();
    if (demo) {
      demoLoad.set(DemoLoad.start(stack.apiUrl(), null, demoRate, out));
    }
    stopped.await();
    return 0;
  }

  /**
   * Tells the launcher that this run's classes are worth archiving: the stack became ready (see the
   * {@code offload} script; on the first run of a build it names the file in {@code
   * offload.cds.ready}).
   */
  private static void markReadyForTheArchive() {
    String ready = System.getProperty("offload.cds.ready");
    if (ready != null) {
      try {
        Files.writeString(Path.of(ready), "ready\n");
      } catch (IOException e) {
        // no archive this time; the next run of this build records one
      }
    }
  }

  /**
   * How long ago this process started: the command's whole start, the shell script and the JVM's
   * own start included. On Linux from the process's start in clock ticks since boot ({@code
   * /proc/self/stat}) and the time since boot ({@code /proc/uptime}), both exact to 10 ms. {@code
   * ProcessHandle}'s start instant adds the boot time, which Linux gives in whole seconds only:
   * that made every figure up to a second too long. Elsewhere from the JVM's start.
   */
  static Duration sinceProcessStart() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // the fields after the command name, which is in parentheses and may hold spaces
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      long startTicks = Long.parseLong(fields[19]);
      double uptime = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
      // USER_HZ, the unit of the start time: 100 on every Linux architecture the JDK runs on
      long millis = Math.round(uptime * 1000) - startTicks * 10;
      if (millis >= 0) {
        return Duration.ofMillis(millis);
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or a /proc this does not read
    }
    return ProcessHandle.current()
        .info()
        .startInstant()
        .map(started -> Duration.between(started, Instant.now()))
        .orElse(Duration.ofMillis(ManagementFactory.getRuntimeMXBean().getUptime()));
  }

  /** Reads {@code table} or {@code message}, naming both when the value is neither. */
  static final class OutboxModeConverter implements CommandLine.ITypeConverter<OutboxMode> {
    @Override
    public OutboxMode convert(String value) {
      return OutboxMode.parse(value);
    }
  }
}
