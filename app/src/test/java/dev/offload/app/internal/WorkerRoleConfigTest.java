package dev.offload.app.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerRoleConfigTest {

  @Test
  void theDefaultsRunAgainstOffloadDev() {
    WorkerRoleConfig c = WorkerRoleConfig.LOADER.defaults(Map.of());
    assertThat(c.kafka().bootstrapServers()).isEqualTo("127.0.0.1:9092");
    assertThat(c.smtp().port()).isEqualTo(WorkerPorts.DEFAULT_SMTP);
    assertThat(c.concurrency()).as("the handler's default").isZero();
    assertThat(c.group()).isNull();
    assertThat(c.rateLimits().perHandler()).isNull();
    assertThat(c.http().host()).isEqualTo("127.0.0.1");
    assertThat(c.http().port()).isEqualTo(WorkerRoleConfig.DEFAULT_HTTP_PORT);
  }

  @Test
  void theHealthAndMetricsAddressComesFromTheFileTheEnvironmentOrTheCommandLine() {
    WorkerRoleConfig file =
        WorkerRoleConfig.LOADER.parse("http: {host: 0.0.0.0, port: 9187}", Map.of());
    assertThat(file.http().host()).isEqualTo("0.0.0.0");
    assertThat(file.http().port()).isEqualTo(9187);
    assertThat(
            WorkerRoleConfig.LOADER
                .parse("http: {port: 9187}", Map.of("OFFLOAD_WORKER_HTTP_PORT", "-1"))
                .http()
                .port())
        .isEqualTo(-1);
    assertThat(
            WorkerRoleConfig.LOADER
                .parse(
                    "http: {port: 9187}",
                    "the worker configuration",
                    Map.of("OFFLOAD_HTTP_PORT", "9188"),
                    Map.of("http.port", "0"))
                .http()
                .port())
        .as("the command line wins")
        .isZero();
    assertThatThrownBy(() -> WorkerRoleConfig.LOADER.parse("http: {port: -2}", Map.of()))
        .hasMessageStartingWith("http.port must");
  }

  @Test
  void theFileIsReadAndTheEnvironmentOverridesIt() {
    String yaml =
        """
        kafka: {bootstrap-servers: "kafka-1:9092", properties: {security.protocol: SSL}}
        group: mails
        concurrency: 16
        jdbc: {url: "jdbc:postgresql://db/offload", user: worker}
        smtp: {host: smtp.example.com, port: 587, tls: true}
        index-dir: /var/offload/index
        rate-limits:
          per-handler: {permits: 100, period: 1s}
          per-key: {permits: 2, period: 1m}
        """;
    WorkerRoleConfig c =
        WorkerRoleConfig.LOADER.parse(
            yaml,
            Map.of(
                "OFFLOAD_KAFKA_BOOTSTRAP_SERVERS", "kafka-2:9092",
                "OFFLOAD_JDBC_PASSWORD", "s3cret",
                "OFFLOAD_SMTP_PORT", "2587"));
    assertThat(c.kafka().bootstrapServers()).isEqualTo("kafka-2:9092");
    assertThat(c.kafka().properties()).containsEntry("security.protocol", "SSL");
    assertThat(c.group()).isEqualTo("mails");
    assertThat(c.concurrency()).isEqualTo(16);
    assertThat(c.database().user()).isEqualTo("worker");
    assertThat(c.database().password()).isEqualTo("s3cret");
    assertThat(c.smtp().host()).isEqualTo("smtp.example.com");
    assertThat(c.smtp().port()).isEqualTo(2587);
    assertThat(c.smtp().tls()).isTrue();
    assertThat(c.indexDir()).isEqualTo(Path.of("/var/offload/index"));
    assertThat(c.rateLimits().perHandler())
        .isEqualTo(new WorkerRoleConfig.Limit(100, Duration.ofSeconds(1)));
    assertThat(c.rateLimits().perKey())
        .isEqualTo(new WorkerRoleConfig.Limit(2, Duration.ofMinutes(1)));
    assertThat(c.toString()).doesNotContain("s3cret");
    assertThat(
            WorkerRoleConfig.LOADER.parse(
                yaml,
                "the worker configuration",
                Map.of(),
                Map.of("group", "other", "concurrency", "8")))
        .extracting(WorkerRoleConfig::group, WorkerRoleConfig::concurrency)
        .containsExactly("other", 8);
  }

  @Test
  void aWrongFieldIsNamed() {
    assertThatThrownBy(() -> WorkerRoleConfig.LOADER.parse("concurrency: -1", Map.of()))
        .hasMessageStartingWith("concurrency must");
    assertThatThrownBy(() -> WorkerRoleConfig.LOADER.parse("database: {pool-size: -1}", Map.of()))
        .hasMessageStartingWith("database.pool-size must");
    assertThatThrownBy(() -> WorkerRoleConfig.LOADER.parse("smtp: {password: hunter2}", Map.of()))
        .hasMessageStartingWith("smtp.password: a secret is never written");
    assertThatThrownBy(() -> WorkerRoleConfig.LOADER.parse("dedup: {retention: 0s}", Map.of()))
        .hasMessageStartingWith("dedup.retention must");
    assertThatThrownBy(() -> WorkerRoleConfig.LOADER.parse("smtp: {port: 70000}", Map.of()))
        .hasMessageStartingWith("smtp.port must");
    assertThatThrownBy(
            () -> WorkerRoleConfig.LOADER.parse("rate-limits: {per-key: {permits: 0}}", Map.of()))
        .hasMessageContaining("permits");
  }

  @Test
  void thePoolSizeAndTheDedupRetentionAreRead() {
    WorkerRoleConfig c =
        WorkerRoleConfig.LOADER.parse(
            "jdbc: {pool-size: 5}\ndedup: {retention: 2d, purge-interval: 30m}", Map.of());
    assertThat(c.database().poolSize()).isEqualTo(5);
    assertThat(c.dedup().retention()).isEqualTo(java.time.Duration.ofDays(2));
    assertThat(c.dedup().purgeInterval()).isEqualTo(java.time.Duration.ofMinutes(30));
    WorkerRoleConfig defaults =
        WorkerRoleConfig.LOADER.defaults(Map.of("OFFLOAD_JDBC_POOL_SIZE", "3"));
    assertThat(defaults.database().poolSize()).isEqualTo(3);
    assertThat(defaults.dedup().retention()).isEqualTo(java.time.Duration.ofDays(7));
    assertThat(defaults.dedup().purgeInterval()).isEqualTo(java.time.Duration.ofMinutes(10));
  }

  @Test
  void theDatabaseHasTheSameNamesAsTheApisAndTheSecretsCanComeFromFiles(@TempDir Path dir)
      throws Exception {
    Path db = Files.writeString(dir.resolve("db"), "db-secret\n");
    Path smtp = Files.writeString(dir.resolve("smtp"), "smtp-secret");
    WorkerRoleConfig c =
        WorkerRoleConfig.LOADER.parse(
            "database: {jdbc-url: 'jdbc:postgresql://db/offload', pool-size: 4}\n"
                + "smtp: {user: mailer, password-file: '"
                + smtp
                + "'}",
            Map.of(
                "OFFLOAD_DATABASE_USER", "worker",
                "OFFLOAD_DATABASE_PASSWORD_FILE", db.toString(),
                "OFFLOAD_HTTP_PORT", "9187"));
    assertThat(c.database().jdbcUrl()).isEqualTo("jdbc:postgresql://db/offload");
    assertThat(c.database().user()).isEqualTo("worker");
    assertThat(c.database().password()).isEqualTo("db-secret");
    assertThat(c.database().poolSize()).isEqualTo(4);
    assertThat(c.smtp().password()).isEqualTo("smtp-secret");
    assertThat(c.http().port()).isEqualTo(9187);
    assertThat(
            WorkerRoleConfig.LOADER.print(
                null,
                Map.of("OFFLOAD_DATABASE_PASSWORD", "db-secret", "OFFLOAD_CONCURRENCY", "3"),
                Map.of("group", "mails")))
        .contains("concurrency: 3")
        .contains("group: mails")
        .contains("password: '****'")
        .doesNotContain("db-secret");
  }

  @Test
  void kafkaSecurityComesFromTheFileAndTheEnvironmentOverridesIt(@TempDir Path dir)
      throws Exception {
    Path jaas = Files.writeString(dir.resolve("jaas.conf"), "login");
    String yaml =
        "kafka: {security: {protocol: SASL_SSL, sasl-mechanism: PLAIN, sasl-jaas-config-file: '"
            + jaas
            + "'}, properties: {max.poll.records: 50}}";
    WorkerRoleConfig fromFile = WorkerRoleConfig.LOADER.parse(yaml, Map.of());
    assertThat(fromFile.kafka().clientSecurity().protocol()).isEqualTo("SASL_SSL");
    assertThat(fromFile.kafka().clientSecurity().jaasConfigFile()).isEqualTo(jaas);
    assertThat(fromFile.kafka().properties()).containsEntry("max.poll.records", "50");
    WorkerRoleConfig fromEnv =
        WorkerRoleConfig.LOADER.parse(
            yaml, Map.of("OFFLOAD_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT"));
    assertThat(fromEnv.kafka().clientSecurity().protocol()).isEqualTo("SASL_PLAINTEXT");
    assertThat(
            WorkerRoleConfig.LOADER.print(
                null, Map.of("OFFLOAD_KAFKA_SECURITY_PROTOCOL", "SSL"), Map.of()))
        .as("--print-config shows the security in force")
        .contains("protocol: SSL");
    assertThat(WorkerRoleConfig.LOADER.defaults(Map.of()).kafka().clientSecurity().isPlaintext())
        .isTrue();
    assertThatThrownBy(
            () -> WorkerRoleConfig.LOADER.parse("kafka: {security: {user: x}}", Map.of()))
        .hasMessageContaining("kafka.security.user");
  }

  @Test
  void theSmtpSectionIsTheEmailHandlersSettingsCheckedAsTheFileIsRead() {
    WorkerRoleConfig c =
        WorkerRoleConfig.LOADER.parse(
            "smtp: {host: mail.example.com, user: '', read-timeout: 3s}", Map.of());
    assertThat(c.smtp().user()).as("an empty user is none").isNull();
    assertThat(c.smtp().readTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThatThrownBy(
            () -> WorkerRoleConfig.LOADER.parse("{}", Map.of("OFFLOAD_SMTP_PASSWORD", "s3cret")))
        .hasMessage("smtp.password is set but user is not");
    assertThatThrownBy(
            () -> WorkerRoleConfig.LOADER.parse("smtp: {from: 'not an address'}", Map.of()))
        .hasMessageStartingWith("smtp.from is not a valid address");
    assertThatThrownBy(() -> WorkerRoleConfig.LOADER.parse("smtp: {connect-timeout: 0s}", Map.of()))
        .hasMessageStartingWith("smtp.connect-timeout must be a positive duration");
  }
}
