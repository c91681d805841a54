package dev.offload.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * {@code offload <role> --print-config} prints the effective file as YAML, with the values the file
 * gave, the defaults of the keys it left out, and every secret masked; it starts nothing.
 */
class PrintConfigTest {
  private static final String SECRET = "pw-from-a-secret-file";

  @TempDir Path dir;

  static Stream<Arguments> roles() {
    return Stream.of(
        Arguments.of(
            List.of("api", "-c"),
            "http: {port: 9123}\ndatabase: {password-file: '%s'}",
            List.of("port: 9123", "jdbc-url: jdbc:postgresql://127.0.0.1:5432/offload")),
        Arguments.of(
            List.of("connector", "-c"),
            "http: {port: 9124}\ndatabase: {name: shop, password-file: '%s'}",
            List.of("port: 9124", "name: shop", "poll-interval: 10ms")),
        Arguments.of(
            List.of("streams", "run", "router", "-c"),
            "http: {port: 9125}\ntopologies: {router: {dedup-retention: 1h}}\n"
                + "kafka: {properties: {ssl.key.password: '%s'}}",
            List.of("port: 9125", "dedup-retention: 1h", "commit-interval: 100ms")),
        Arguments.of(
            List.of("worker", "--handler", "email", "--config"),
            "http: {port: 9126}\nsmtp: {user: mailer, password-file: '%s'}",
            List.of("port: 9126", "retention: 7d", "jdbc-url: jdbc:postgresql://")));
  }

  @ParameterizedTest
  @MethodSource("roles")
  void printsTheEffectiveFileWithSecretsMasked(
      List<String> command, String yaml, List<String> shown) throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), SECRET);
    Path file = Files.writeString(dir.resolve("role.yaml"), yaml.formatted(secret));
    List<String> args = new ArrayList<>(command);
    args.add(file.toString());
    args.add("--print-config");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Offload.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));

    int exit = cli.execute(args.toArray(String[]::new));

    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains(shown)
        .contains("'****'")
        .doesNotContain(SECRET)
        .doesNotContain("password-file");
  }

  @ParameterizedTest
  @MethodSource("portOptions")
  void theCommandLineOverridesTheFileInWhatIsPrinted(List<String> command) throws Exception {
    Path file = Files.writeString(dir.resolve("role.yaml"), "http: {port: 9000}");
    List<String> args = new ArrayList<>(command);
    args.add(file.toString());
    args.add("--print-config");
    StringWriter out = new StringWriter();
    CommandLine cli = Offload.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(new StringWriter()));

    assertThat(cli.execute(args.toArray(String[]::new))).isZero();
    assertThat(out.toString()).contains("port: 9999").doesNotContain("port: 9000");
  }

  static Stream<List<String>> portOptions() {
    return Stream.of(
        List.of("api", "-p", "9999", "-c"),
        List.of("connector", "-p", "9999", "-c"),
        List.of("streams", "run", "router", "-p", "9999", "-c"),
        List.of("worker", "--handler", "index", "--metrics-port", "9999", "--config"));
  }
}
