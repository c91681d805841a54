package dev.offload.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.embedded.registry.RegistryServerConfig;
import dev.offload.embedded.registry.SchemaRegistryServer;
import dev.offload.schemas.outbox.OutboxMigrations;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code offload connector --config file}: the role alone, with a captured table. */
@ExtendWith(SharedInfrastructure.class)
class ConnectorRoleIT {
  private static final Pattern HTTP = Pattern.compile("http://[^:]+:(\\d+)/health/ready");

  @Test
  void runsFromItsFilePrintsWhereItCapturesAndServesHealthAndMetrics(
      Infrastructure infra, @TempDir Path dir) throws Exception {
    String database = TestNames.database("connector_role");
    String table = "public." + TestNames.unique("orders");
    String jdbcUrl = infra.createDatabase(database);
    try (Connection c =
            DriverManager.getConnection(jdbcUrl, infra.postgresUser(), infra.postgresPassword());
        Statement s = c.createStatement()) {
      OutboxMigrations.migrate(c);
      s.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, customer TEXT)");
    }
    try (SchemaRegistryServer registry =
        SchemaRegistryServer.start(
            RegistryServerConfig.builder(infra.bootstrapServers())
                .port(0)
                .topic(TestNames.topic("schemas-role"))
                .build())) {
      Path file = dir.resolve("connector.yaml");
      Files.writeString(
          file,
          String.join(
              "\n",
              "kafka: {bootstrap-servers: \"" + infra.bootstrapServers() + "\"}",
              "database: {host: "
                  + infra.postgresHost()
                  + ", port: "
                  + infra.postgresPort()
                  + ", name: "
                  + database
                  + ", user: "
                  + infra.postgresUser()
                  + "}",
              "registry: {url: \"" + registry.url() + "\"}",
              "connector: {name: role-"
                  + database
                  + ", slot: "
                  + database
                  + ", publication: "
                  + database
                  + "_pub, offset-file: \""
                  + dir.resolve("offsets.dat")
                  + "\"}",
              "capture: {tables: [" + table + "]}",
              "http: {port: 0}"));
      StringWriter out = new StringWriter();
      CommandLine cli = Offload.commandLine();
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(new StringWriter(), true));
      ConnectorCommand command = cli.getSubcommands().get("connector").getCommand();
      CompletableFuture<Integer> exit =
          CompletableFuture.supplyAsync(
              () -> cli.execute("connector", "--config", file.toString()));

      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> out.toString().contains("connector running"));
      assertThat(out.toString())
          .contains("capturing from postgresql://" + infra.postgresUser() + "@")
          .contains("/" + database + " (slot " + database)
          .contains("public.offload_outbox")
          .contains("offload.events.<type>")
          .contains(table)
          .contains("offload.changes." + table)
          .contains("schema registry " + registry.url());
      Matcher port = HTTP.matcher(out.toString());
      assertThat(port.find()).isTrue();
      String base = "http://127.0.0.1:" + port.group(1);
      assertThat(get(base + "/health/ready").statusCode()).isEqualTo(200);

      try (Connection c =
              DriverManager.getConnection(jdbcUrl, infra.postgresUser(), infra.postgresPassword());
          Statement s = c.createStatement()) {
        s.execute("INSERT INTO " + table + " VALUES (1, 'ada')");
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> get(base + "/metrics").body().contains("offload_connector_changes_total{"));
      assertThat(get(base + "/metrics").body())
          .contains("offload_connector_change_latency_seconds_bucket{")
          .contains("offload_connector_running{");

      command.stop();
      assertThat(exit.get()).isZero();
    }
    try (Connection c =
            DriverManager.getConnection(jdbcUrl, infra.postgresUser(), infra.postgresPassword());
        Statement s = c.createStatement()) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                try (var rs =
                    s.executeQuery(
                        "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '"
                            + database
                            + "' AND NOT active")) {
                  rs.next();
                  return rs.getLong(1) == 1;
                }
              });
      s.execute("SELECT pg_drop_replication_slot('" + database + "')");
    }
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
