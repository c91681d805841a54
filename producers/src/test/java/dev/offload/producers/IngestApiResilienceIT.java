package dev.offload.producers;

import static dev.offload.producers.IngestApiIT.configFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.Ports;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** How the API starts, fails to start, and rides out a database outage. */
@ExtendWith(SharedInfrastructure.class)
class IngestApiResilienceIT {
  private static final String EVENTS = "/v1/events/user-signed-up";
  private static final String VALID_BODY = "{\"key\":\"user-42\",\"data\":{\"plan\":\"pro\"}}";

  @Test
  void startFailsClearlyWhenThePortIsTaken(Infrastructure infra) throws Exception {
    String db = TestNames.database("api_port");
    infra.createDatabase(db);
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();

      assertThatThrownBy(
              () -> start(configFor(infra, db).with(Map.of("http.port", Integer.toString(port)))))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("port " + port)
          .hasMessageContaining("already in use");
    }
  }

  @Test
  void startFailsClearlyWhenTheDatabaseIsUnreachable(Infrastructure infra) {
    int nothingListens = Ports.freePort();
    ApiConfig config =
        ApiConfig.of(
            "jdbc:postgresql://127.0.0.1:" + nothingListens + "/offload", infra.postgresUser(), "");

    assertThatThrownBy(() -> start(config))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("outbox migrations")
        .hasMessageContaining("127.0.0.1:" + nothingListens);
  }

  @Test
  void databaseOutageIsAnswered503WithRetryAfterAndNeverAccepted(Infrastructure infra)
      throws Exception {
    String db = TestNames.database("api_down");
    infra.createDatabase(db);
    try (IngestApi api =
            start(configFor(infra, db).with(Map.of("database.connect-timeout", "2s")));
        Connection admin =
            DriverManager.getConnection(
                infra.jdbcUrl("postgres"), infra.postgresUser(), infra.postgresPassword())) {
      ApiClient client = new ApiClient(api);
      assertThat(client.postJson(EVENTS, VALID_BODY).statusCode()).isEqualTo(202);

      cutOff(admin, db);
      try {
        for (int i = 0; i < 3; i++) {
          HttpResponse<String> refused = client.postJson(EVENTS, VALID_BODY);
          assertThat(refused.statusCode()).isEqualTo(503);
          assertThat(refused.headers().firstValue("Retry-After")).isPresent();
          assertThat(new JsonObject(refused.body()).getString("error"))
              .isEqualTo("database-unavailable");
        }
        HttpResponse<String> ready = client.get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(new JsonObject(ready.body()).getJsonObject("checks").getString("database"))
            .isEqualTo("DOWN");
      } finally {
        execute(admin, "ALTER DATABASE " + db + " ALLOW_CONNECTIONS true");
      }

      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> assertThat(client.postJson(EVENTS, VALID_BODY).statusCode()).isEqualTo(202));
    }
  }

  private static IngestApi start(ApiConfig config) {
    return IngestApi.start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Map.of());
  }

  /** Refuses new connections to {@code db} and ends the open ones, waiting until they are gone. */
  private static void cutOff(Connection admin, String db) throws SQLException {
    execute(admin, "ALTER DATABASE " + db + " ALLOW_CONNECTIONS false");
    try (PreparedStatement terminate =
        admin.prepareStatement(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ?")) {
      terminate.setString(1, db);
      terminate.execute();
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> backends(admin, db) == 0);
  }

  private static int backends(Connection admin, String db) throws SQLException {
    try (PreparedStatement count =
        admin.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE datname = ?")) {
      count.setString(1, db);
      try (ResultSet rs = count.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute(sql);
    }
  }
}
