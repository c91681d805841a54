package dev.offload.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.Ports;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.embedded.registry.RegistryServerConfig;
import dev.offload.embedded.registry.SchemaRegistryServer;
import dev.offload.schemas.registry.SchemaVersion;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code offload schemas register|list|check} against a real registry server storing in its own
 * topic on the shared broker.
 */
@ExtendWith(SharedInfrastructure.class)
class SchemasCommandIT {
  private static final String V1 =
      "{\"type\":\"record\",\"name\":\"InvoicePaid\",\"namespace\":\"com.example\",\"fields\":["
          + "{\"name\":\"invoiceId\",\"type\":\"string\"}]}";
  private static final String V2_OPTIONAL_FIELD =
      "{\"type\":\"record\",\"name\":\"InvoicePaid\",\"namespace\":\"com.example\",\"fields\":["
          + "{\"name\":\"invoiceId\",\"type\":\"string\"},"
          + "{\"name\":\"coupon\",\"type\":[\"null\",\"string\"],\"default\":null}]}";
  private static final String V2_REQUIRED_FIELD =
      "{\"type\":\"record\",\"name\":\"InvoicePaid\",\"namespace\":\"com.example\",\"fields\":["
          + "{\"name\":\"invoiceId\",\"type\":\"string\"},"
          + "{\"name\":\"amountCents\",\"type\":\"long\"}]}";

  private static SchemaRegistryServer server;

  @TempDir Path dir;
  private StringWriter out;
  private StringWriter err;

  @BeforeAll
  static void startRegistry(Infrastructure infra) {
    server =
        SchemaRegistryServer.start(
            RegistryServerConfig.builder(infra.bootstrapServers())
                .port(0)
                .topic(TestNames.topic("schemas-cli"))
                .build());
  }

  @AfterAll
  static void stopRegistry() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void captureOutput() {
    out = new StringWriter();
    err = new StringWriter();
  }

  @Test
  void registerPrintsTheVersionAndIdAndListShowsTheLatest() throws Exception {
    String type = TestNames.eventType("invoice-paid");
    String subject = "offload.events." + type + "-value";

    assertThat(run("schemas", "register", type, file("v1.avsc", V1))).as(err.toString()).isZero();
    SchemaVersion v1 = server.registry().latest(subject);
    assertThat(out.toString()).contains("version 1 of " + subject).contains("schema id " + v1.id());
    assertThat(v1.schema()).isEqualTo(new Schema.Parser().parse(V1));

    assertThat(run("schemas", "register", type, file("v2.avsc", V2_OPTIONAL_FIELD))).isZero();
    SchemaVersion v2 = server.registry().latest(subject);
    assertThat(v2.version()).isEqualTo(2);
    assertThat(out.toString()).contains("version 2 of " + subject + ", schema id " + v2.id());

    assertThat(run("schemas", "list")).as(err.toString()).isZero();
    List<String> lines = out.toString().lines().toList();
    assertThat(lines.get(0)).startsWith("SUBJECT").contains("EVENT TYPE", "VERSION", "ID");
    assertThat(lines)
        .anySatisfy(
            line ->
                assertThat(line.split("\\s+"))
                    .containsExactly(subject, type, "2", Integer.toString(v2.id())));
  }

  @Test
  void checkTellsCompatibleFromIncompatibleWithoutRegistering() throws Exception {
    String type = TestNames.eventType("order-placed");
    String subject = "offload.events." + type + "-value";
    assertThat(run("schemas", "register", type, file("v1.avsc", V1))).isZero();

    assertThat(run("schemas", "check", type, file("ok.avsc", V2_OPTIONAL_FIELD))).isZero();
    assertThat(out.toString())
        .contains("Compatible")
        .contains("next version of " + subject)
        .contains("BACKWARD");

    assertThat(run("schemas", "check", type, file("bad.avsc", V2_REQUIRED_FIELD))).isEqualTo(1);
    assertThat(out.toString())
        .contains("Incompatible with the versions of " + subject + " (compatibility BACKWARD)")
        .contains("READER_FIELD_MISSING_DEFAULT_VALUE")
        .contains("amountCents");
    assertThat(server.registry().versions(subject))
        .as("check registers nothing")
        .containsExactly(1);
  }

  @Test
  void registerRefusesAnIncompatibleSchemaListingWhy() throws Exception {
    String type = TestNames.eventType("refund-issued");
    assertThat(run("schemas", "register", type, file("v1.avsc", V1))).isZero();

    assertThat(run("schemas", "register", type, file("bad.avsc", V2_REQUIRED_FIELD))).isEqualTo(1);

    assertThat(err.toString())
        .contains("Incompatible with the versions of offload.events." + type + "-value")
        .contains("READER_FIELD_MISSING_DEFAULT_VALUE")
        .contains("amountCents");
    assertThat(server.registry().versions("offload.events." + type + "-value")).hasSize(1);
  }

  @Test
  void checkAcceptsAnySchemaForATypeWithoutVersions() throws Exception {
    String type = TestNames.eventType("brand-new");

    assertThat(run("schemas", "check", type, file("v1.avsc", V1))).isZero();

    assertThat(out.toString()).contains("Compatible");
  }

  @Test
  void badInputIsExplained() throws Exception {
    assertThat(run("schemas", "register", "InvoicePaid", file("v1.avsc", V1))).isEqualTo(2);
    assertThat(err.toString()).contains("must be kebab-case");

    assertThat(run("schemas", "register", "invoice-paid", file("broken.avsc", "{\"type\":")))
        .isOne();
    assertThat(err.toString()).contains("broken.avsc is not a valid Avro schema");

    assertThat(run("schemas", "check", "invoice-paid", dir.resolve("missing.avsc").toString()))
        .isOne();
    assertThat(err.toString()).contains("cannot read").contains("missing.avsc");
  }

  @Test
  void unreachableRegistryIsNamedInTheError() {
    String url = "http://127.0.0.1:" + Ports.freePort();

    assertThat(
            Offload.commandLine()
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute("schemas", "list", "--registry-url", url))
        .isOne();

    assertThat(err.toString()).startsWith("offload: ").contains(url);
  }

  /** Runs {@code args} against the test's registry, capturing what it prints. */
  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    CommandLine cli = Offload.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] withUrl = new String[args.length + 2];
    System.arraycopy(args, 0, withUrl, 0, args.length);
    withUrl[args.length] = "--registry-url";
    withUrl[args.length + 1] = server.url();
    int status = cli.execute(withUrl);
    cli.getOut().flush();
    cli.getErr().flush();
    return status;
  }

  private String file(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content).toString();
  }
}
