package dev.offload.app;

import dev.offload.app.internal.DevPipelineTarget;
import dev.offload.bench.PipelineBenchmark;
import dev.offload.bench.PipelineConfig;
import dev.offload.bench.PipelineMix;
import dev.offload.bench.PipelineReport;
import dev.offload.bench.PipelineTarget;
import dev.offload.bench.RemotePipelineTarget;
import dev.offload.schemas.outbox.OutboxMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code offload bench pipeline}: the whole path, HTTP to effect, under stepped open-loop load. */
@Command(
    name = "pipeline",
    mixinStandardHelpOptions = true,
    description = {
      "Load the whole pipeline at constant arrival rates (open loop) that step up, and follow every",
      "accepted event: 202 (latency from the moment its request was due), on offload.events.*, on",
      "offload.work.*, effect done (mail received by the SMTP server, document searchable, view",
      "counted in the rollup). Stops at the first step in which a stage's backlog keeps growing",
      "and names it; prints every consumer group's lag at the end; checks that each event answered",
      "202 had exactly one effect (exit code 1 when one was lost or duplicated); then measures raw",
      "INSERT + commit, a raw acks=all producer and a raw consumer on the same servers.",
      "By default on an in-process dev stack on free ports in a fresh temporary directory; with",
      "--api-url, --bootstrap-server and --jdbc-url on a running pipeline. It publishes as apps",
      "bench-<run>-<n> that it registers in the database (one per 500 events/s of the highest",
      "step, so the per-app rate limit is not what is measured) and revokes at the end."
    })
final class BenchPipelineCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--rates",
      split = ",",
      description =
          "Offered rates of the steps, events/s, increasing (default: 50,100,250,500,1000,2000,3000,"
              + "4000,6000,8000).")
  List<Integer> rates;

  @Option(
      names = "--step-seconds",
      defaultValue = "20",
      description = "Length of each step (default: ${DEFAULT-VALUE}).")
  double stepSeconds;

  @Option(
      names = "--warmup-seconds",
      defaultValue = "20",
      description =
          "Unmeasured load at the lowest rate before the steps, whose effects are awaited, so"
              + " that the steps run compiled code on existing topics; 0 for none (default:"
              + " ${DEFAULT-VALUE}).")
  double warmupSeconds;

  @Option(
      names = "--page-viewed",
      defaultValue = "90",
      description = "Percent of page-viewed events (default: ${DEFAULT-VALUE}).")
  int pageViewed;

  @Option(
      names = "--document-changed",
      defaultValue = "8",
      description = "Percent of document-changed events (default: ${DEFAULT-VALUE}).")
  int documentChanged;

  @Option(
      names = "--user-signed-up",
      defaultValue = "2",
      description = "Percent of user-signed-up events (default: ${DEFAULT-VALUE}).")
  int userSignedUp;

  @Option(
      names = "--keys",
      defaultValue = "3000",
      description = "Users the page views are spread over (default: ${DEFAULT-VALUE}).")
  int keys;

  @Option(
      names = "--baseline-events",
      defaultValue = "20000",
      description = "Rows and records of each raw baseline (default: ${DEFAULT-VALUE}).")
  int baselineEvents;

  @Option(
      names = "--drain-timeout",
      defaultValue = "5m",
      converter = DurationConverter.class,
      description =
          "How long to wait after the last step for every effect (default: ${DEFAULT-VALUE}).")
  Duration drainTimeout;

  @Option(
      names = "--quick",
      description =
          "A short check that it works: 5 s of warm-up, steps of 100 and 200 events/s, 4 s"
              + " each, 2,000-event baselines; the other sizes are ignored.")
  boolean quick;

  @Option(
      names = "--no-traces",
      description =
          "The in-process stack records no spans (as offload dev --no-traces), to measure what"
              + " tracing costs.")
  boolean noTraces;

  @Option(names = "--json", description = "Print the report as JSON instead of tables.")
  boolean json;

  @Option(
      names = "--json-file",
      paramLabel = "FILE",
      description =
          "Also write the report as JSON to FILE, beside the tables, to keep a run or compare it"
              + " with a later one.")
  Path jsonFile;

  @Option(
      names = "--outbox-mode",
      defaultValue = "table",
      converter = DevCommand.OutboxModeConverter.class,
      description =
          "How the in-process API writes events: table (outbox rows) or message (logical decoding"
              + " messages) (default: ${DEFAULT-VALUE}); not used with --api-url.")
  OutboxMode outboxMode;

  @Option(
      names = "--api-url",
      description =
          "Base URL of a running ingest API to load instead of an in-process stack; needs"
              + " --bootstrap-server and --jdbc-url.")
  String apiUrl;

  @Option(
      names = "--bootstrap-server",
      description =
          "With --api-url: the Kafka cluster its connector captures into, to see events arrive on"
              + " offload.events.* and offload.work.*, read the groups' lag and run the raw"
              + " producer and consumer.")
  String bootstrapServer;

  @Option(
      names = "--jdbc-url",
      description =
          "With --api-url: the database of the API and the workers (password in the URL if any),"
              + " to register the bench apps, read the workers' processed marks and the page-view"
              + " rollup, and run the raw INSERTs (table bench_raw).")
  String jdbcUrl;

  @Option(
      names = "--jdbc-user",
      defaultValue = "postgres",
      description = "With --jdbc-url: the database user (default: ${DEFAULT-VALUE}).")
  String jdbcUser;

  @Option(
      names = "--workers-url",
      description =
          "With --api-url, optional: base URL of offload dev's worker endpoints (/v1/dev/mailbox,"
              + " /v1/search), to see mails and searchable documents; without it mails are"
              + " checked by the email worker's processed marks and documents by their routing.")
  String workersUrl;

  @Override
  public Integer call() throws Exception {
    PipelineMix mix = new PipelineMix(pageViewed, documentChanged, userSignedUp);
    PipelineConfig config =
        quick
            ? PipelineConfig.quick(mix)
            : new PipelineConfig(
                rates == null ? PipelineConfig.DEFAULT_RATES : rates,
                stepSeconds,
                warmupSeconds,
                mix,
                keys,
                baselineEvents,
                drainTimeout);
    PipelineReport report;
    try (PipelineTarget target = target()) {
      report = new PipelineBenchmark(config, target, System.err).run();
    }
    if (json) {
      System.out.println(report.toJson().encodePrettily());
    } else {
      report.print(System.out);
    }
    if (jsonFile != null) {
      Files.writeString(jsonFile, report.toJson().encodePrettily() + "\n");
      System.err.println("the report as JSON: " + jsonFile);
    }
    return report.lost() == 0 && report.duplicated() == 0 ? 0 : 1;
  }

  private PipelineTarget target() {
    if (apiUrl == null) {
      System.err.println("starting an in-process dev stack on free ports...");
      return DevPipelineTarget.start(outboxMode, !noTraces);
    }
    if (bootstrapServer == null || jdbcUrl == null) {
      throw new ParameterException(
          spec.commandLine(), "--api-url needs --bootstrap-server and --jdbc-url");
    }
    return new RemotePipelineTarget(apiUrl, bootstrapServer, jdbcUrl, jdbcUser, workersUrl);
  }
}
