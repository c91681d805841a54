package dev.offload.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code offload bench} runs as the README shows it, on a small load, and prints its table. */
class BenchCommandIT {

  @Test
  void printsEveryFigureBesideItsBaseline() {
    PrintStream originalOut = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      status =
          Offload.commandLine()
              .execute("bench", "--events", "200", "--warmup", "20", "--concurrency", "4");
    } finally {
      System.setOut(originalOut);
    }
    String table = out.toString(StandardCharsets.UTF_8);
    System.out.println(table);
    assertThat(status).isZero();
    assertThat(table)
        .contains("offload bench: 200 events")
        .contains("publish throughput (events/s)")
        .contains("INSERT+commit rows/s")
        .contains("raw producer rec/s")
        .contains("raw consumer rec/s")
        .contains("delivered to Kafka: 200 of 200 accepted events");
  }

  @Test
  void ingestPrintsSingleAndBatchBesideRawInsertsInBothOutboxModes() {
    for (String mode : new String[] {"table", "message"}) {
      Run run =
          run(
              "bench",
              "ingest",
              "--events",
              "400",
              "--warmup-events",
              "200",
              "--rounds",
              "2",
              "--seconds",
              "1",
              "--concurrency",
              "8",
              "--outbox-mode",
              mode);
      assertThat(run.status()).as("every request answered 202 (%s)", mode).isZero();
      assertThat(run.out())
          .contains(
              "offload bench ingest (outbox mode " + mode + "): 200 warm-up events, 2 round(s)")
          .contains("single: accepted, saturated (median) (events/s)")
          .contains("batch of 50: accepted, saturated (median) (events/s)")
          .contains("raw INSERT+commit rows/s")
          .contains("single ack p99 at");
    }
  }

  @Test
  void streamsQuickPrintsEachProcessorBesideTheRawLoopWithTheGoals() {
    Run run = run("bench", "streams", "--quick");
    assertThat(run.status()).isZero();
    assertThat(run.out())
        .contains("offload bench streams: 2,000 Avro events")
        .contains("raw loop (at_least_once)")
        .contains("router (exactly_once_v2)")
        .contains("router (at_least_once)")
        .contains("analytics (exactly_once_v2)")
        .contains("analytics (at_least_once)")
        .contains("router EOS / ALOS")
        .contains("router ALOS / raw loop")
        .contains("goal router: EOS >= 80% of at-least-once")
        .contains("goal router (at-least-once) >= 50% of the raw loop");
  }

  @Test
  void replayQuickPrintsTheReplayerBesideARawCopy() {
    Run run = run("bench", "replay", "--quick");
    assertThat(run.status()).isZero();
    assertThat(run.out())
        .contains("offload bench replay: 2,000 Avro page-viewed events")
        .contains("offload replay (unthrottled)")
        .contains("raw copy (unthrottled)")
        .contains("raw copy, flush per poll (unthrottled)")
        .contains("copy 2,000 records (rec/s)");
  }

  @Test
  void aBadSizeIsRefusedWithTheFieldNamed() {
    Run run = run("bench", "streams", "--events", "0");
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("events must be at least 1, was: 0");
  }

  @Test
  void workersQuickPrintsThroughputAndStuckKeyLatencyBesideTheirBaselines() {
    Run run = run("bench", "workers", "--quick");
    assertThat(run.status()).isZero();
    assertThat(run.out())
        .contains("offload bench workers: 3,000 records, 12 partitions")
        .contains("throughput, 20 ms I/O (rec/s)")
        .contains("plain consumer rec/s")
        .contains("12 plain consumers rec/s")
        .contains("other keys p99, one stuck 5 s (ms)")
        .contains("p99 without stuck key ms")
        .contains("p99 added by the stuck key (ms)")
        .contains("goal: one key stuck 5 s adds <= 50 ms to the other keys' p99:")
        .contains(
            "offload bench workers (real sinks): 4,000 page views, 1,000 documents, 200 mails")
        .contains("analytics worker -> PostgreSQL (events/s)")
        .contains("index worker -> Lucene (docs/s)")
        .contains("email worker -> SMTP (mails/s)")
        .contains("handler alone, batches of 500")
        .contains("handler alone, 8 threads");
  }

  /**
   * One quick run in message mode prints the tables and writes the same report as JSON: the
   * in-process stack takes half a minute, so both forms are checked from one run.
   */
  @Test
  void pipelineQuickFollowsEveryEventToItsEffectAndWritesItsReportAsJson(@TempDir Path dir)
      throws Exception {
    Path json = dir.resolve("pipeline.json");
    Run run =
        run(
            "bench",
            "pipeline",
            "--quick",
            "--outbox-mode",
            "message",
            "--json-file",
            json.toString());
    assertThat(run.status()).as("no accepted event lost or duplicated").isZero();
    assertThat(run.out())
        .contains("offload bench pipeline: in-process dev stack (outbox mode message")
        .contains("request due -> 202")
        .contains("202 -> on offload.events.*")
        .contains("202 -> on offload.work.*")
        .contains("202 -> mail sent (offload-worker-email)")
        .contains("202 -> searchable (offload-worker-index)")
        .contains("202 -> view counted (offload-worker-analytics)")
        .contains("request due -> effect done (every type)")
        .contains("lag at the end (records)")
        .contains("offload-router")
        .contains("raw INSERT+commit rows/s")
        .contains("raw producer rec/s")
        .contains("raw consumer rec/s")
        .contains("lost: 0, duplicated: 0");
    assertThat(run.out())
        .containsPattern(
            "sustainable rate: .*(the backlog of (ingest API|capture|offload-[a-z-]+)"
                + ".* kept growing|slowest stage there: \\S+)");
    assertThat(run.out())
        .containsPattern(
            "mails received \\(offload-worker-email\\) +(\\d+) of \\1 accepted; lost 0, duplicated 0");
    assertThat(run.out())
        .containsPattern(
            "documents searchable \\(offload-worker-index\\) +(\\d+) of \\1 accepted; lost 0, duplicated 0");
    assertThat(run.out())
        .containsPattern(
            "views counted \\(offload-worker-analytics\\) +([\\d,]+) of \\1 accepted; lost 0, duplicated 0");

    JsonObject report = new JsonObject(Files.readString(json));
    assertThat(report.getString("title")).contains("outbox mode message");
    assertThat(report.getLong("lost")).isZero();
    assertThat(report.getLong("duplicated")).isZero();
    assertThat(report.getString("boundBy")).isNotBlank();
    assertThat(report.getJsonArray("steps")).isNotEmpty();
    assertThat(report.getJsonArray("stages")).hasSize(7);
    assertThat(report.getJsonObject("endLags").fieldNames()).contains("offload-worker-analytics");
    JsonArray effects = report.getJsonArray("effects");
    assertThat(effects).hasSize(3);
    for (int i = 0; i < effects.size(); i++) {
      JsonObject effect = effects.getJsonObject(i);
      assertThat(effect.getLong("expected")).as(effect.getString("name")).isPositive();
      assertThat(effect.getLong("done"))
          .as(effect.getString("name"))
          .isEqualTo(effect.getLong("expected"));
    }
  }

  private static Run run(String... args) {
    PrintStream originalOut = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    int status;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      CommandLine cli = Offload.commandLine();
      cli.setErr(new PrintWriter(err, true));
      status = cli.execute(args);
    } finally {
      System.setOut(originalOut);
    }
    String table = out.toString(StandardCharsets.UTF_8);
    System.out.println(table);
    return new Run(status, table, err.toString());
  }

  private record Run(int status, String out, String err) {}
}
