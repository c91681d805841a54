package dev.offload.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class OffloadCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Offload.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void helpListsTheSubCommands() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString())
        .contains("Usage: offload")
        .contains("dev")
        .contains("tail")
        .contains("lag")
        .contains("replay")
        .contains("schemas")
        .contains("bench")
        .contains("api")
        .contains("apps");
  }

  @Test
  void demoHelpNamesItsOptionsAndDevHelpItsDemo() {
    assertThat(run("demo", "--help")).isZero();
    assertThat(out.toString().replaceAll("\\s+", " "))
        .contains("Usage: offload demo")
        .contains("--api-url")
        .contains("--api-key")
        .contains("--rate")
        .contains("default: 5")
        .contains("dead-letters");
    out.getBuffer().setLength(0);
    assertThat(run("dev", "--help")).isZero();
    assertThat(out.toString().replaceAll("\\s+", " ")).contains("--demo").contains("--demo-rate");
  }

  @Test
  void demoRefusesARateOutOfRangeAndAUrlThatIsNotHttp() {
    assertThat(run("demo", "--rate", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("the demo rate must be 1-1000 events/s, was 0");
    assertThat(run("demo", "--api-url", "localhost:8080")).isEqualTo(2);
    assertThat(err.toString()).contains("the API URL must be http://host:port");
    assertThat(run("dev", "--demo", "--demo-rate", "5000")).isEqualTo(2);
    assertThat(err.toString()).contains("--demo-rate must be 1-1000 events/s, was 5000");
  }

  @Test
  void appsHelpNamesTheDatabaseOptionsAndTheKeyCache() {
    assertThat(run("apps", "create", "--help")).isZero();
    assertThat(out.toString().replaceAll("\\s+", " "))
        .contains("--types")
        .contains("--jdbc-url")
        .contains("--db-user")
        .contains("--db-password-file")
        .contains("--data-dir");
    out.getBuffer().setLength(0);
    assertThat(run("apps", "--help")).isZero();
    assertThat(out.toString().replaceAll("\\s+", " ")).contains("default 5 s");
  }

  @Test
  void apiRefusesKeylessModeOnANonLoopbackAddress(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("api.yaml");
    Files.writeString(config, "http: {host: 0.0.0.0, port: 0}\nauth: {required: false}\n");

    assertThat(run("api", "-c", config.toString())).isEqualTo(1);
    assertThat(err.toString())
        .contains("auth.required must be true")
        .contains("0.0.0.0")
        .contains("not a loopback address");
  }

  @Test
  void devPostgresIsFoundFromItsPidFile(@TempDir Path dir) throws Exception {
    Path pgdata = dir.resolve("postgres").resolve("pgdata");
    Files.createDirectories(pgdata);
    assertThat(AppsCommand.DatabaseOptions.devPostgresPort(dir)).isNull();
    Files.writeString(
        pgdata.resolve("postmaster.pid"), "4242\n" + pgdata + "\n1700000000\n54321\n/tmp\n");

    assertThat(AppsCommand.DatabaseOptions.devPostgresPort(dir)).isEqualTo(54321);
    AppsCommand.DatabaseOptions options = new AppsCommand.DatabaseOptions();
    options.dataDir = dir;
    options.env = java.util.Map.of();
    assertThat(options.url()).isEqualTo("jdbc:postgresql://127.0.0.1:54321/offload");
    options.env = java.util.Map.of("OFFLOAD_JDBC_URL", "jdbc:postgresql://db:5432/x");
    assertThat(options.url()).isEqualTo("jdbc:postgresql://db:5432/x");
    options.env =
        java.util.Map.of(
            "OFFLOAD_JDBC_URL", "jdbc:postgresql://db:5432/x",
            "OFFLOAD_DATABASE_JDBC_URL", "jdbc:postgresql://db2:5432/y");
    assertThat(options.url()).as("the one name wins").isEqualTo("jdbc:postgresql://db2:5432/y");
  }

  @Test
  void workerExplainsTheReplayLaneAndRefusesAShareAboveOneBeforeConnecting() {
    assertThat(run("worker", "--help")).isZero();
    assertThat(out.toString().replaceAll("\\s+", " "))
        .contains("--replay-share")
        .contains("offload.replay.<group>");
    assertThat(run("worker", "--handler", "email", "--replay-share", "1.5")).isEqualTo(2);
    assertThat(err.toString()).contains("--replay-share must be between 0 and 1, was 1.5");
  }

  @Test
  void devHelpExplainsEveryOptionWithItsDefault() {
    assertThat(run("dev", "--help")).isZero();
    assertThat(out.toString().replaceAll("\\s+", " "))
        .contains("--data-dir")
        .contains("default: .offload")
        .contains("--api-port")
        .contains("default: 8080")
        .contains("--kafka-port")
        .contains("default: 9092");
  }

  @Test
  void devNamesTheOutboxModesAndRefusesAnotherBeforeStarting() {
    assertThat(run("dev", "--help")).isZero();
    assertThat(out.toString().replaceAll("\\s+", " "))
        .contains("--outbox-mode")
        .contains("(default: table)");

    assertThat(run("dev", "--outbox-mode", "rows")).isEqualTo(2);
    assertThat(err.toString()).contains("outbox mode must be 'table' or 'message', was: 'rows'");
  }

  @Test
  void benchWriterHelpNamesTheThreePaths() {
    assertThat(run("bench", "writer", "--help")).isZero();
    assertThat(out.toString().replaceAll("\\s+", " "))
        .contains("Usage: offload bench writer")
        .contains("table mode")
        .contains("message mode")
        .contains("raw JDBC INSERT");
  }

  @Test
  void everyCommandHasHelp() {
    for (String command :
        new String[] {
          "api",
          "apps",
          "apps create",
          "apps list",
          "apps revoke",
          "apps rotate",
          "tail",
          "lag",
          "replay",
          "bench",
          "registry",
          "streams",
          "worker",
          "ops",
          "dlq",
          "dlq list",
          "dlq show",
          "dlq redrive",
          "schemas",
          "schemas register",
          "schemas list",
          "schemas check",
          "connector",
          "connector snapshot"
        }) {
      out.getBuffer().setLength(0);
      assertThat(run((command + " --help").split(" "))).as(command).isZero();
      assertThat(out.toString()).as(command).contains("Usage: offload " + command);
    }
  }

  @Test
  void streamsListNamesTheBuiltInTopologies() {
    assertThat(run("streams", "list")).isZero();
    assertThat(out.toString()).contains("router").contains("analytics");
  }

  @Test
  void tailHelpNamesTheDefaultBootstrapServerAndRegistry() {
    assertThat(run("tail", "--help")).isZero();
    assertThat(out.toString())
        .contains("--from-beginning")
        .contains("127.0.0.1:9092")
        .contains("--registry-url")
        .contains("http://127.0.0.1:8081");
  }

  @Test
  void schemasHelpListsItsSubCommandsAndTheRegistryDefault() {
    assertThat(run("schemas", "--help")).isZero();
    assertThat(out.toString()).contains("register").contains("list").contains("check");
    out.getBuffer().setLength(0);
    assertThat(run("schemas", "check", "--help")).isZero();
    assertThat(out.toString().replaceAll("\\s+", " "))
        .contains("TYPE")
        .contains("FILE")
        .contains("without registering")
        .contains("http://127.0.0.1:8081");
  }

  @Test
  void devRefusesATakenPortBeforeStartingAnything(@TempDir Path dir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      Path data = dir.resolve("data");
      int status =
          run(
              "dev",
              "--data-dir",
              data.toString(),
              "--api-port",
              Integer.toString(dev.offload.embedded.Ports.freePort()),
              "--kafka-port",
              Integer.toString(port));
      assertThat(status).isEqualTo(1);
      assertThat(err.toString())
          .contains("port " + port)
          .contains("already in use")
          .contains("--kafka-port");
      assertThat(Files.exists(data)).as("nothing started, nothing written").isFalse();
    }
  }

  @Test
  void durationsReadShortAndIsoForms() {
    DurationConverter c = new DurationConverter();
    assertThat(c.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(c.convert("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.convert("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.convert("PT2H")).isEqualTo(Duration.ofHours(2));
    assertThat(c.convert("7d"))
        .as("as a configuration file writes it")
        .isEqualTo(Duration.ofDays(7));
    assertThat(run("tail", "t", "--timeout", "soon")).isEqualTo(2);
    assertThat(err.toString()).contains("'soon' is not a duration");
  }
}
