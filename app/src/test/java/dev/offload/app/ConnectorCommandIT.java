package dev.offload.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.connectors.SnapshotSignal;
import dev.offload.connectors.TableCapture;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/** {@code offload connector snapshot} against a real PostgreSQL. */
@ExtendWith(SharedInfrastructure.class)
class ConnectorCommandIT {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void snapshotInsertsAnIncrementalSnapshotSignalAndSaysWhatItDid(Infrastructure infra)
      throws Exception {
    String database = TestNames.database("connector_cli");
    String jdbcUrl = infra.createDatabase(database);
    try (Connection c = connect(infra, jdbcUrl);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE public.orders (id BIGINT PRIMARY KEY)");
      SnapshotSignal.ensureTable(c, TableCapture.DEFAULT_SIGNAL_TABLE);
    }

    int status = run(infra, jdbcUrl, "orders");

    assertThat(status).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("incremental snapshot of public.orders")
        .contains("public.offload_signal")
        .contains("offload.changes.public.orders");
    try (Connection c = connect(infra, jdbcUrl);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, type, data FROM public.offload_signal")) {
      assertThat(rs.next()).isTrue();
      assertThat(out.toString()).contains(rs.getString("id"));
      assertThat(rs.getString("type")).isEqualTo("execute-snapshot");
      assertThat(rs.getString("data"))
          .isEqualTo("{\"data-collections\":[\"public.orders\"],\"type\":\"incremental\"}");
      assertThat(rs.next()).isFalse();
    }
  }

  @Test
  void snapshotExplainsAMissingSignallingTable(Infrastructure infra) {
    String jdbcUrl = infra.createDatabase(TestNames.database("connector_cli_nosignal"));

    int status = run(infra, jdbcUrl, "public.orders");

    assertThat(status).isEqualTo(1);
    assertThat(err.toString())
        .contains("no signalling table public.offload_signal")
        .contains("capture.tables");
  }

  private int run(Infrastructure infra, String jdbcUrl, String table) {
    CommandLine cli = Offload.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(
        "connector",
        "snapshot",
        table,
        "--jdbc-url",
        jdbcUrl,
        "--jdbc-user",
        infra.postgresUser(),
        "--jdbc-password-env",
        "OFFLOAD_TEST_UNSET_PASSWORD");
  }

  private static Connection connect(Infrastructure infra, String jdbcUrl) throws Exception {
    return DriverManager.getConnection(jdbcUrl, infra.postgresUser(), infra.postgresPassword());
  }
}
