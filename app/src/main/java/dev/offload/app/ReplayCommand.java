package dev.offload.app;

import dev.offload.ops.Terminal;
import dev.offload.ops.replay.GroupOffsetReset;
import dev.offload.ops.replay.Position;
import dev.offload.ops.replay.ReplayPlan;
import dev.offload.ops.replay.ReplayPlanner;
import dev.offload.ops.replay.ReplayProgress;
import dev.offload.ops.replay.ReplayReport;
import dev.offload.ops.replay.ReplayRequest;
import dev.offload.ops.replay.ReplayResult;
import dev.offload.ops.replay.Replayer;
import dev.offload.ops.replay.ReplayerConfig;
import dev.offload.ops.replay.ResetPlan;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code offload replay}: copy a range of a topic for a backfill, or rewind a stopped group. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Copy a range of a topic into another topic for a backfill, keeping keys, headers and",
      "timestamps and adding an offload-replay-id header; or, with --group, reset a stopped",
      "consumer group's offsets to a time so it consumes again from there.",
      "Both show the plan and change nothing unless --execute is given.",
      "",
      "  offload replay --topic T --from <time|offset> [--to ...] --into T2 [--execute]",
      "  offload replay --group G --to-time <time> [--execute]",
      "",
      "Times are ISO-8601: 2024-05-01T10:00:00Z, 2024-05-01T12:00:00+02:00 or 2024-05-01 (UTC).",
      "Kafka client security (SASL, TLS) comes from OFFLOAD_KAFKA_SECURITY_PROTOCOL,",
      "OFFLOAD_KAFKA_SASL_MECHANISM, OFFLOAD_KAFKA_SASL_JAAS_CONFIG_FILE,",
      "OFFLOAD_KAFKA_SSL_TRUSTSTORE_LOCATION and OFFLOAD_KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE."
    })
final class ReplayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--topic", paramLabel = "TOPIC", description = "Topic to copy from.")
  String topic;

  @Option(
      names = "--from",
      paramLabel = "TIME|OFFSET",
      converter = PositionConverter.class,
      description = "Start of the range (inclusive) in each partition: an offset or a time.")
  Position from;

  @Option(
      names = "--to",
      paramLabel = "TIME|OFFSET",
      converter = PositionConverter.class,
      description = "End of the range (exclusive) in each partition (default: the log end now).")
  Position to;

  @Option(
      names = "--partition",
      paramLabel = "P",
      description = "Only this partition (default: every partition).")
  Integer partition;

  @Option(names = "--key", paramLabel = "K", description = "Copy only records with this key.")
  String key;

  @Option(
      names = "--type",
      paramLabel = "X",
      description = "Copy only events of this type (header offload-event-type).")
  String type;

  @Option(names = "--into", paramLabel = "TOPIC", description = "Topic to copy into.")
  String into;

  @Option(
      names = "--rate",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Copy at most N records per second; 0 for no limit (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--group",
      paramLabel = "GROUP",
      description =
          "Reset this consumer group's offsets instead of copying; it must have no members.")
  String group;

  @Option(
      names = "--to-time",
      paramLabel = "TIME",
      description =
          "With --group: the time to reset to (first record at or after it; log end if none).")
  String toTime;

  @Option(names = "--dry-run", description = "Only show the plan (the default).")
  boolean dryRun;

  @Option(names = "--execute", description = "Carry the plan out.")
  boolean execute;

  @Mixin KafkaOption kafka;

  @Override
  public Integer call() throws InterruptedException {
    if (dryRun && execute) {
      throw new ParameterException(
          spec.commandLine(), "--dry-run and --execute exclude each other");
    }
    return group != null ? resetGroup() : replayTopic();
  }

  private int resetGroup() throws InterruptedException {
    if (topic != null || into != null || from != null || to != null) {
      throw new ParameterException(
          spec.commandLine(),
          "--group resets offsets: use --to-time, not --topic/--into/--from/--to");
    }
    if (toTime == null) {
      throw new ParameterException(spec.commandLine(), "--group needs --to-time TIME");
    }
    Instant time = time(toTime);
    PrintWriter out = spec.commandLine().getOut();
    try (GroupOffsetReset reset =
        GroupOffsetReset.connect(kafka.bootstrapServers, kafka.security())) {
      ResetPlan plan = execute ? reset.execute(group, time) : reset.plan(group, time);
      out.print(ReplayReport.reset(plan));
      out.println(execute ? "Offsets reset." : "Dry run: nothing changed. Add --execute to reset.");
    }
    return 0;
  }

  private int replayTopic() throws InterruptedException {
    if (topic == null || from == null || into == null) {
      throw new ParameterException(
          spec.commandLine(), "replay needs --topic, --from and --into (or --group and --to-time)");
    }
    ReplayRequest request = new ReplayRequest(topic, from, to, partition, key, type, into, rate);
    PrintWriter out = spec.commandLine().getOut();
    ReplayPlan plan;
    try (ReplayPlanner planner = ReplayPlanner.connect(kafka.bootstrapServers, kafka.security())) {
      plan = planner.plan(request);
    }
    out.print(ReplayReport.plan(plan));
    if (!execute) {
      out.println("Dry run: nothing copied. Add --execute to copy.");
      return 0;
    }
    out.flush();
    boolean terminal = Terminal.isInteractive();
    ReplayerConfig config =
        ReplayerConfig.defaults(kafka.bootstrapServers)
            .withProgressInterval(Duration.ofMillis(terminal ? 200 : 5000))
            .withSecurity(kafka.security());
    ReplayResult result = new Replayer(config).execute(plan, progressPrinter(out, terminal));
    if (terminal) {
      out.println();
    }
    out.println(ReplayReport.result(result));
    return 0;
  }

  private static Consumer<ReplayProgress> progressPrinter(PrintWriter out, boolean terminal) {
    return p -> {
      if (terminal) {
        out.print("\r" + ReplayReport.progressBar(p, 30) + "\u001b[K"); // rewrite, clear the rest
      } else {
        out.println(ReplayReport.progressLine(p));
      }
      out.flush();
    };
  }

  private Instant time(String text) {
    try {
      return Position.parseTime(text);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** Reads {@code --from}/{@code --to}: an offset or an ISO-8601 time. */
  static final class PositionConverter implements CommandLine.ITypeConverter<Position> {
    @Override
    public Position convert(String value) {
      try {
        return Position.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
