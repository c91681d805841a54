package dev.offload.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.Ports;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.embedded.registry.RegistryServerConfig;
import dev.offload.embedded.registry.SchemaRegistryServer;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.events.UserSignedUp;
import dev.offload.schemas.registry.RegistryClient;
import dev.offload.schemas.registry.RegistryClientConfig;
import dev.offload.schemas.serde.AvroSerializer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The roles that hold secrets, each its own process with everything it prints captured: {@code
 * offload api} (the database password, an app's API key used and a made-up one refused), {@code
 * offload connector} (the database password) and {@code offload worker --handler email} (the
 * database password, and the SMTP password it authenticates with to send a mail). Each does its
 * work, and no secret appears in anything it printed. Kafka passwords are checked the same way by
 * {@link KafkaClientSecurityRolesIT}, against a broker with a SASL listener.
 */
@ExtendWith(SharedInfrastructure.class)
class RoleSecretsIT {
  private static final Pattern KEY = Pattern.compile("ofk_[A-Za-z0-9_-]{43}");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir Path dir;

  @Test
  void noRolePrintsTheSecretsItIsGiven(Infrastructure infra) throws Exception {
    String database = TestNames.database("role_secrets");
    String jdbcUrl = infra.createDatabase(database);
    // The shared PostgreSQL trusts loopback unless it has a password; then that one is the secret.
    String dbPassword =
        infra.postgresPassword() == null || infra.postgresPassword().isEmpty()
            ? "db-" + secret()
            : infra.postgresPassword();
    String smtpPassword = "smtp-" + secret();
    Path passwordFile = dir.resolve("pg-password");
    Files.writeString(passwordFile, dbPassword);
    String key = createApp(infra, jdbcUrl, passwordFile);
    String madeUpKey = "ofk_" + "Zq" + secret().substring(0, 41);

    int smtpPort = Ports.freePort();
    GreenMail smtp =
        new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    smtp.setUser("offload@offload.local", "offload", smtpPassword);
    List<Process> roles = new ArrayList<>();
    Map<String, Path> logs = new java.util.LinkedHashMap<>();
    try (SchemaRegistryServer registry =
        SchemaRegistryServer.start(
            RegistryServerConfig.builder(infra.bootstrapServers())
                .port(Ports.freePort())
                .topic(TestNames.topic("secrets-schemas"))
                .build())) {
      int apiPort = Ports.freePort();
      Path api = dir.resolve("api.yaml");
      Files.writeString(
          api,
          String.join(
              "\n",
              "http: {host: 127.0.0.1, port: " + apiPort + "}",
              "database: {jdbc-url: \"" + jdbcUrl + "\", user: " + infra.postgresUser() + "}",
              "registry: {url: \"" + registry.url() + "\"}",
              "auth: {required: true}"));
      roles.add(
          start(
              "api",
              logs,
              Map.of("OFFLOAD_DATABASE_PASSWORD", dbPassword),
              "api",
              "--config",
              api.toString()));

      int connectorPort = Ports.freePort();
      Path connector =
          RoleFiles.connector(
              dir.resolve("connector.yaml"),
              infra.postgresHost(),
              infra.postgresPort(),
              infra.postgresUser(),
              database,
              infra.bootstrapServers(),
              registry.url(),
              dir.resolve("offsets.dat"),
              connectorPort);

      String workTopic = TestNames.topic("secrets-work-email");
      int workerPort = Ports.freePort();
      Path worker = dir.resolve("worker.yaml");
      Files.writeString(
          worker,
          String.join(
              "\n",
              "kafka: {bootstrap-servers: \"" + infra.bootstrapServers() + "\"}",
              "registry-url: " + registry.url(),
              "group: " + TestNames.group("secrets-email"),
              "topic: " + workTopic,
              "database: {jdbc-url: \"" + jdbcUrl + "\", user: " + infra.postgresUser() + "}",
              "smtp: {host: 127.0.0.1, port: " + smtpPort + ", user: offload}",
              "http: {host: 127.0.0.1, port: " + workerPort + "}"));
      roles.add(
          start(
              "worker",
              logs,
              Map.of(
                  "OFFLOAD_DATABASE_PASSWORD", dbPassword, "OFFLOAD_SMTP_PASSWORD", smtpPassword),
              "worker",
              "--handler",
              "email",
              "--config",
              worker.toString()));

      String events = "http://127.0.0.1:" + apiPort + "/v1/events/page-viewed";
      await()
          .atMost(Duration.ofSeconds(120))
          .failFast("the API exited", () -> !roles.get(0).isAlive())
          .until(() -> ready(apiPort));
      // The connector starts once the API has made the outbox table it captures; the API accepts
      // events once the connector's slot exists.
      roles.add(
          start(
              "connector",
              logs,
              Map.of("OFFLOAD_DATABASE_PASSWORD", dbPassword),
              "connector",
              "--config",
              connector.toString()));
      await()
          .atMost(Duration.ofSeconds(120))
          .failFast("the connector exited", () -> !roles.get(2).isAlive())
          .until(() -> post(events, key) == 202);
      assertThat(post(events, madeUpKey)).as("a made-up key").isEqualTo(401);
      assertThat(post(events, key + "x")).as("a key with a character too many").isEqualTo(401);

      sendSignup(infra.bootstrapServers(), registry.url(), workTopic);
      await()
          .atMost(Duration.ofSeconds(120))
          .failFast("the worker exited", () -> !roles.get(1).isAlive())
          .until(() -> smtp.getReceivedMessages().length == 1);
      await()
          .atMost(Duration.ofSeconds(120))
          .failFast("the connector exited", () -> !roles.get(2).isAlive())
          .until(() -> ready(connectorPort));
    } finally {
      for (Process role : roles) {
        role.destroy();
      }
      for (Process role : roles) {
        if (!role.waitFor(30, TimeUnit.SECONDS)) {
          role.destroyForcibly();
        }
      }
      smtp.stop();
      dropSlot(infra, jdbcUrl, database);
    }

    // What each role printed was captured: the lines that say it ran.
    assertThat(Files.readString(logs.get("api"))).contains("Offload ingest API listening on");
    assertThat(Files.readString(logs.get("connector"))).contains("connector running");
    assertThat(Files.readString(logs.get("worker"))).contains("worker email running");
    for (Map.Entry<String, Path> log : logs.entrySet()) {
      String printed = Files.readString(log.getValue());
      assertThat(printed).as("what %s printed", log.getKey()).isNotBlank();
      assertThat(printed)
          .as("what %s printed (%s)", log.getKey(), log.getValue())
          .doesNotContain(dbPassword)
          .doesNotContain(smtpPassword)
          .doesNotContain(key)
          .doesNotContain(key.substring(4))
          .doesNotContain(madeUpKey.substring(4));
    }
  }

  private static String secret() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private Process start(
      String name, Map<String, Path> logs, Map<String, String> env, String... args)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Offload.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    Path log = dir.resolve(name + ".log");
    logs.put(name, log);
    return pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static String createApp(Infrastructure infra, String jdbcUrl, Path passwordFile) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = Offload.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int status =
        cli.execute(
            "apps",
            "create",
            "shop",
            "--types",
            "*",
            "--jdbc-url",
            jdbcUrl,
            "--db-user",
            infra.postgresUser(),
            "--db-password-file",
            passwordFile.toString());
    assertThat(status).as(err.toString()).isZero();
    Matcher m = KEY.matcher(out.toString());
    assertThat(m.find()).as(out.toString()).isTrue();
    return m.group();
  }

  private static int post(String url, String key) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create(url))
                  .timeout(Duration.ofSeconds(10))
                  .header("Content-Type", "application/json")
                  .header("Authorization", "Bearer " + key)
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"key\":\"u1\",\"data\":{\"userId\":\"u1\",\"path\":\"/secrets\","
                              + "\"durationMs\":1}}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .statusCode();
    } catch (Exception e) {
      return -1; // not listening yet
    }
  }

  private static boolean ready(int port) {
    try {
      return HTTP.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .statusCode()
          == 200;
    } catch (Exception e) {
      return false;
    }
  }

  private static void sendSignup(String bootstrap, String registryUrl, String topic)
      throws Exception {
    AvroSerializer<UserSignedUp> avro =
        new AvroSerializer<>(new RegistryClient(RegistryClientConfig.of(registryUrl)));
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      var record =
          new ProducerRecord<>(
              topic,
              "u1".getBytes(StandardCharsets.UTF_8),
              avro.serialize(topic, new UserSignedUp("u1", "ada@example.com", "Ada", null)));
      record.headers().add(OffloadHeaders.EVENT_ID, secret().getBytes(StandardCharsets.UTF_8));
      record
          .headers()
          .add(OffloadHeaders.EVENT_TYPE, "user-signed-up".getBytes(StandardCharsets.UTF_8));
      producer.send(record).get();
    }
  }

  private static void dropSlot(Infrastructure infra, String jdbcUrl, String slot) {
    try (Connection c =
            DriverManager.getConnection(jdbcUrl, infra.postgresUser(), infra.postgresPassword());
        Statement s = c.createStatement()) {
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(
              () -> {
                s.execute(
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                        + " WHERE slot_name = '"
                        + slot
                        + "'");
                return true;
              });
    } catch (Exception e) {
      throw new AssertionError("cannot drop slot " + slot, e);
    }
  }
}
