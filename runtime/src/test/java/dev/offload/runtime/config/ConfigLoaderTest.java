package dev.offload.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  /** A role's file, in small. */
  record Sample(Http http, Database database, Kafka kafka, Duration timeout, List<String> tables) {
    record Http(String host, int port) {
      Http {
        if (port < 0) {
          throw new IllegalArgumentException("http.port: must not be negative");
        }
      }
    }

    record Database(String jdbcUrl, String user, @Secret String password, int poolSize) {}

    record Kafka(String bootstrapServers, Map<String, String> properties) {}

    static Sample defaults() {
      return new Sample(
          new Http("127.0.0.1", 8080),
          new Database("jdbc:postgresql://127.0.0.1:5432/offload", "postgres", "", 4),
          new Kafka("127.0.0.1:9092", Map.of()),
          Duration.ofSeconds(30),
          List.of());
    }
  }

  private final List<String> warnings = new ArrayList<>();

  private Sample parse(String text, String source, Map<String, String> env) {
    return loader.parse(text, source, env, Map.of());
  }

  private Sample parse(
      String text, String source, Map<String, String> env, Map<String, String> options) {
    return loader.parse(text, source, env, options);
  }

  private final ConfigLoader<Sample> loader =
      ConfigLoader.of(Sample.class, Sample.defaults(), "sample configuration")
          .legacyEnv("OFFLOAD_JDBC_URL", "database.jdbc-url")
          .legacyEnv("OFFLOAD_JDBC_PASSWORD", "database.password")
          .legacyEnv("OFFLOAD_JDBC_PASSWORD_FILE", "database.password-file")
          .legacyKey("jdbc.url", "database.jdbc-url")
          .warnings(warnings::add);

  @Test
  void bindsTheFileOntoTheRecordsAndKeepsDefaultsForTheRest() {
    Sample s =
        parse(
            "http: {port: 9000}\ndatabase: {pool-size: 8}\nkafka: {properties: {acks: all}}",
            "x.yaml",
            Map.of());

    assertThat(s.http()).isEqualTo(new Sample.Http("127.0.0.1", 9000));
    assertThat(s.database().poolSize()).isEqualTo(8);
    assertThat(s.database().user()).isEqualTo("postgres");
    assertThat(s.kafka().properties()).containsExactly(Map.entry("acks", "all"));
    assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(loader.parse("{}", Map.of())).isEqualTo(Sample.defaults());
    assertThat(warnings).isEmpty();
  }

  @Test
  void anUnknownKeyIsRefusedNamingItsPathAndTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("role.yaml");
    Files.writeString(file, "http:\n  host: 0.0.0.0\n  prot: 9000\n");

    assertThatThrownBy(() -> loader.load(file, Map.of(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("http.prot: unknown setting in " + file)
        .hasMessageContaining("host")
        .hasMessageContaining("port");
    assertThatThrownBy(() -> parse("nonsense: 1", "x.yaml", Map.of()))
        .hasMessageStartingWith("nonsense: unknown setting in x.yaml");
  }

  @Test
  void durationsAreWrittenWithAUnit() {
    for (var c :
        Map.of(
                "30s", Duration.ofSeconds(30),
                "500ms", Duration.ofMillis(500),
                "10m", Duration.ofMinutes(10),
                "24h", Duration.ofHours(24),
                "7d", Duration.ofDays(7),
                "PT1H", Duration.ofHours(1))
            .entrySet()) {
      assertThat(parse("timeout: " + c.getKey(), "x.yaml", Map.of()).timeout())
          .as(c.getKey())
          .isEqualTo(c.getValue());
    }
    assertThatThrownBy(() -> parse("timeout: soon", "x.yaml", Map.of()))
        .hasMessageStartingWith("timeout: not a duration")
        .hasMessageContaining("'soon'")
        .hasMessageContaining("x.yaml");
  }

  @Test
  void typeMistakesNameTheKey() {
    assertThatThrownBy(() -> parse("http: {port: x}", "x.yaml", Map.of()))
        .hasMessageStartingWith("http.port: not an integer: 'x'");
    assertThatThrownBy(() -> parse("http: {port: [1, 2]}", "x.yaml", Map.of()))
        .hasMessageStartingWith("http.port: not an integer (in x.yaml)");
    assertThatThrownBy(() -> parse("http: 8080", "x.yaml", Map.of()))
        .hasMessageStartingWith("http: expected a mapping");
    assertThatThrownBy(() -> parse("- a list", "x.yaml", Map.of()))
        .hasMessageContaining("expected a mapping");
    // a compact constructor's own message comes through unchanged
    assertThatThrownBy(() -> parse("http: {port: -2}", "x.yaml", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("http.port: must not be negative");
  }

  @Test
  void eachKeyIsOverriddenByTheVariableItsPathNames() {
    assertThat(ConfigLoader.envName("database.jdbc-url")).isEqualTo("OFFLOAD_DATABASE_JDBC_URL");
    assertThat(ConfigLoader.envName("kafka.bootstrap-servers"))
        .isEqualTo("OFFLOAD_KAFKA_BOOTSTRAP_SERVERS");

    Sample s =
        parse(
            "http: {port: 9000}\ndatabase: {user: file-user}",
            "x.yaml",
            Map.of(
                "OFFLOAD_HTTP_PORT", "9100",
                "OFFLOAD_DATABASE_JDBC_URL", "jdbc:postgresql://pg:5433/x",
                "OFFLOAD_DATABASE_POOL_SIZE", "2",
                "OFFLOAD_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
                "OFFLOAD_TIMEOUT", "2m",
                "OFFLOAD_TABLES", "public.orders, public.customers",
                "OFFLOAD_HTTP_HOST", " "));

    assertThat(s.http()).isEqualTo(new Sample.Http("127.0.0.1", 9100));
    assertThat(s.database().jdbcUrl()).isEqualTo("jdbc:postgresql://pg:5433/x");
    assertThat(s.database().user()).isEqualTo("file-user");
    assertThat(s.database().poolSize()).isEqualTo(2);
    assertThat(s.kafka().bootstrapServers()).isEqualTo("kafka:9092");
    assertThat(s.timeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.tables()).containsExactly("public.orders", "public.customers");
    assertThatThrownBy(() -> parse("{}", "x.yaml", Map.of("OFFLOAD_HTTP_PORT", "eighty")))
        .hasMessageStartingWith("http.port: not an integer");
  }

  @Test
  void aCommandsOptionsOverrideTheEnvironmentAndTheFile() {
    Sample s =
        parse(
            "http: {port: 9000}",
            "x.yaml",
            Map.of("OFFLOAD_HTTP_PORT", "9100", "OFFLOAD_HTTP_HOST", "10.0.0.1"),
            Map.of("http.port", "0", "tables", "a.b,c.d"));

    assertThat(s.http()).isEqualTo(new Sample.Http("10.0.0.1", 0));
    assertThat(s.tables()).containsExactly("a.b", "c.d");
    assertThatThrownBy(() -> parse("{}", "x.yaml", Map.of(), Map.of("http.prot", "1")))
        .hasMessageContaining("http.prot");
    assertThatThrownBy(() -> parse("{}", "x.yaml", Map.of(), Map.of("database.password", "x")))
        .as("a secret never comes from a command line")
        .hasMessageContaining("database.password");
  }

  @Test
  void aLegacyVariableStillWorksWithOneWarningNamingTheNewOne() {
    Sample s = parse("{}", "x.yaml", Map.of("OFFLOAD_JDBC_URL", "jdbc:postgresql://old:1/x"));

    assertThat(s.database().jdbcUrl()).isEqualTo("jdbc:postgresql://old:1/x");
    assertThat(warnings)
        .singleElement()
        .asString()
        .contains("OFFLOAD_JDBC_URL")
        .contains("OFFLOAD_DATABASE_JDBC_URL");

    warnings.clear();
    Sample both =
        parse(
            "{}",
            "x.yaml",
            Map.of(
                "OFFLOAD_JDBC_URL", "jdbc:postgresql://old:1/x",
                "OFFLOAD_DATABASE_JDBC_URL", "jdbc:postgresql://new:1/x"));
    assertThat(both.database().jdbcUrl()).isEqualTo("jdbc:postgresql://new:1/x");
    assertThat(warnings).singleElement().asString().contains("OFFLOAD_DATABASE_JDBC_URL");
  }

  @Test
  void aRenamedFileKeyStillWorksWithAWarning() {
    Sample s = parse("jdbc: {url: 'jdbc:postgresql://old:1/x'}", "w.yaml", Map.of());

    assertThat(s.database().jdbcUrl()).isEqualTo("jdbc:postgresql://old:1/x");
    assertThat(warnings)
        .singleElement()
        .asString()
        .contains("jdbc.url")
        .contains("w.yaml")
        .contains("database.jdbc-url");
  }

  @Test
  void aSecretComesFromItsFileOrTheEnvironmentNeverFromTheFileItself(@TempDir Path dir)
      throws Exception {
    Path secret = dir.resolve("pw");
    Files.writeString(secret, "s3cret\n");
    Path other = dir.resolve("other");
    Files.writeString(other, "from-env-file");

    assertThat(
            parse("database: {password-file: '" + secret + "'}", "x.yaml", Map.of())
                .database()
                .password())
        .isEqualTo("s3cret");
    assertThat(
            parse(
                    "database: {password-file: '" + secret + "'}",
                    "x.yaml",
                    Map.of("OFFLOAD_DATABASE_PASSWORD_FILE", other.toString()))
                .database()
                .password())
        .isEqualTo("from-env-file");
    assertThat(
            parse(
                    "database: {password-file: '" + secret + "'}",
                    "x.yaml",
                    Map.of("OFFLOAD_DATABASE_PASSWORD", "inline"))
                .database()
                .password())
        .isEqualTo("inline");
    assertThat(
            parse("{}", "x.yaml", Map.of("OFFLOAD_JDBC_PASSWORD_FILE", secret.toString()))
                .database()
                .password())
        .isEqualTo("s3cret");
    assertThat(warnings).singleElement().asString().contains("OFFLOAD_DATABASE_PASSWORD_FILE");

    assertThatThrownBy(() -> parse("database: {password: hunter2}", "x.yaml", Map.of()))
        .hasMessageStartingWith("database.password: a secret is never written in x.yaml")
        .hasMessageContaining("OFFLOAD_DATABASE_PASSWORD")
        .hasMessageContaining("password-file");
    Path missing = dir.resolve("missing");
    assertThatThrownBy(
            () -> parse("database: {password-file: '" + missing + "'}", "x.yaml", Map.of()))
        .hasMessageStartingWith("database.password-file: cannot read " + missing);
  }

  @Test
  void printShowsTheEffectiveFileWithSecretsMasked() {
    Sample s =
        parse(
            "kafka: {properties: {sasl.jaas.config: 'login secret', acks: all}}\ntimeout: 90s",
            "x.yaml",
            Map.of("OFFLOAD_DATABASE_PASSWORD", "hunter2", "OFFLOAD_HTTP_PORT", "9100"));

    String printed = loader.print(s);

    assertThat(printed)
        .doesNotContain("hunter2")
        .doesNotContain("login secret")
        .contains("password: '****'")
        .contains("sasl.jaas.config: '****'")
        .contains("acks: all")
        .contains("port: 9100")
        .contains("timeout: 90s")
        .contains("jdbc-url: jdbc:postgresql://127.0.0.1:5432/offload");
    // an unset secret stays empty rather than pretending to be set
    assertThat(loader.print(Sample.defaults())).contains("password: \"\"");
  }
}
