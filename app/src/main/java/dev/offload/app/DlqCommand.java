package dev.offload.app;

import dev.offload.ops.Terminal;
import dev.offload.ops.deadletter.DeadLetter;
import dev.offload.ops.deadletter.DeadLetterReport;
import dev.offload.ops.deadletter.DeadLetterStore;
import dev.offload.ops.deadletter.DeadLetterSummary;
import dev.offload.ops.deadletter.DeadLetterToolsConfig;
import dev.offload.ops.deadletter.RedrivePlan;
import dev.offload.ops.deadletter.RedriveRequest;
import dev.offload.ops.deadletter.RedriveResult;
import dev.offload.ops.deadletter.Redriver;
import dev.offload.ops.replay.ReplayProgress;
import dev.offload.ops.replay.ReplayReport;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code offload dlq list|show|redrive}: inspect a consumer group's dead letters in {@code
 * offload.dlq.<group>} and publish them again to their original topics.
 */
@Command(
    name = "dlq",
    mixinStandardHelpOptions = true,
    description = {
      "Inspect and redrive a consumer group's dead letters (topic offload.dlq.<group>).",
      "",
      "  offload dlq list --group G",
      "  offload dlq show --group G [--limit N] [--json] [--payload]",
      "  offload dlq redrive --group G [--where exception=X] [--rate N] [--execute]",
      "",
      "Kafka client security (SASL, TLS) comes from OFFLOAD_KAFKA_SECURITY_PROTOCOL,",
      "OFFLOAD_KAFKA_SASL_MECHANISM, OFFLOAD_KAFKA_SASL_JAAS_CONFIG_FILE,",
      "OFFLOAD_KAFKA_SSL_TRUSTSTORE_LOCATION and OFFLOAD_KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE."
    },
    subcommands = {DlqCommand.ListCounts.class, DlqCommand.Show.class, DlqCommand.Redrive.class})
final class DlqCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The options every sub-command takes: the group and the cluster. */
  static final class GroupOptions {
    @Option(
        names = "--group",
        paramLabel = "GROUP",
        required = true,
        description = "Consumer group whose dead letters to use (topic offload.dlq.<GROUP>).")
    String group;

    @Mixin KafkaOption kafka;

    DeadLetterToolsConfig config() {
      return DeadLetterToolsConfig.defaults(kafka.bootstrapServers).withSecurity(kafka.security());
    }
  }

  /** {@code offload dlq list --group G}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Count a group's dead letters by exception class and original topic.")
  static final class ListCounts implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin GroupOptions options;

    @Override
    public Integer call() throws InterruptedException {
      try (DeadLetterStore store = DeadLetterStore.connect(options.config())) {
        List<DeadLetter> deadLetters = store.deadLetters(options.group);
        spec.commandLine()
            .getOut()
            .print(DeadLetterReport.list(DeadLetterSummary.of(options.group, deadLetters)));
      }
      return 0;
    }
  }

  /** {@code offload dlq show --group G [--limit N] [--json] [--payload]}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = {
        "Show a group's dead letters, oldest first per partition: where each is, its key and",
        "headers (reason, exception, stack trace, original topic/partition/offset, …).",
        "The value is shown only with --payload: UTF-8 text if it is valid text, else hex."
      })
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin GroupOptions options;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "20",
        description = "Show at most N dead letters (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "Print a JSON array instead of text.")
    boolean json;

    @Option(names = "--payload", description = "Include each record's value.")
    boolean payload;

    @Override
    public Integer call() throws InterruptedException {
      if (limit < 1) {
        throw new ParameterException(spec.commandLine(), "--limit must be at least 1");
      }
      List<DeadLetter> deadLetters;
      try (DeadLetterStore store = DeadLetterStore.connect(options.config())) {
        deadLetters = store.deadLetters(options.group);
      }
      List<DeadLetter> shown = deadLetters.subList(0, Math.min(limit, deadLetters.size()));
      PrintWriter out = spec.commandLine().getOut();
      out.print(
          json ? DeadLetterReport.showJson(shown, payload) : DeadLetterReport.show(shown, payload));
      if (!json && shown.size() < deadLetters.size()) {
        out.printf("(%d of %d shown; see --limit)%n", shown.size(), deadLetters.size());
      }
      return 0;
    }
  }

  /** {@code offload dlq redrive --group G [--where exception=X] [--rate N] [--execute]}. */
  @Command(
      name = "redrive",
      mixinStandardHelpOptions = true,
      description = {
        "Publish dead letters again to their original topics, with their original key and",
        "headers plus offload-redrive-count, and record each in offload.dlq.<group>.redriven.",
        "Dead letters already recorded there are skipped, so running it twice publishes once.",
        "Shows what would be redriven and changes nothing unless --execute is given."
      })
  static final class Redrive implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin GroupOptions options;

    @Option(
        names = "--where",
        paramLabel = "exception=X",
        description = "Only dead letters that failed with exception X (full or simple class name).")
    String where;

    @Option(
        names = "--rate",
        paramLabel = "N",
        defaultValue = "0",
        description =
            "Publish at most N records per second; 0 for no limit (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--execute", description = "Redrive (default: a dry run).")
    boolean execute;

    @Override
    public Integer call() throws InterruptedException {
      RedriveRequest request;
      try {
        request = RedriveRequest.parse(options.group, where, rate);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      PrintWriter out = spec.commandLine().getOut();
      boolean terminal = Terminal.isInteractive();
      DeadLetterToolsConfig config =
          options.config().withProgressInterval(Duration.ofMillis(terminal ? 200 : 5000));
      Redriver redriver = new Redriver(config);
      if (!execute) {
        RedrivePlan plan = redriver.plan(request);
        out.print(DeadLetterReport.plan(plan));
        out.println("Dry run: nothing published. Add --execute to redrive.");
        return 0;
      }
      RedriveResult result = redriver.execute(request, progressPrinter(out, terminal));
      if (terminal) {
        out.println();
      }
      out.print(DeadLetterReport.plan(result.plan()));
      out.println(DeadLetterReport.result(result));
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
  }
}
