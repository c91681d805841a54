package dev.offload.producers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.producers.validation.Violation;
import dev.offload.schemas.Topics;
import dev.offload.schemas.events.UserSignedUp;
import dev.offload.schemas.outbox.OutboxMessage;
import dev.offload.schemas.outbox.OutboxMigrations;
import dev.offload.schemas.outbox.OutboxMode;
import dev.offload.schemas.registry.InMemorySchemaRegistry;
import dev.offload.schemas.serde.AvroDeserializer;
import dev.offload.schemas.serde.WireFormat;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link OutboxWriter} on a real PostgreSQL, in both outbox modes: what reaches the write-ahead log
 * is read back through a logical replication slot created before each test.
 */
@ExtendWith(SharedInfrastructure.class)
class OutboxWriterIT {
  private static final String TYPE = "user-signed-up";
  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private static Infrastructure infra;
  private static String database;
  private static InMemorySchemaRegistry registry;

  private OutboxWal wal;
  private Connection connection;

  @BeforeAll
  static void createDatabase(Infrastructure infrastructure) throws SQLException {
    infra = infrastructure;
    database = TestNames.database("writer");
    infra.createDatabase(database);
    try (Connection c = connect()) {
      OutboxMigrations.migrate(c);
    }
    registry = new InMemorySchemaRegistry();
    registry.register(TestSchemas.subject(TYPE), UserSignedUp.getClassSchema());
  }

  @BeforeEach
  void openSlotAndConnection() throws SQLException {
    wal = OutboxWal.create(infra, database);
    connection = connect();
    connection.setAutoCommit(false);
  }

  @AfterEach
  void close() throws SQLException {
    try {
      connection.close();
    } finally {
      wal.close();
    }
  }

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection(
        infra.jdbcUrl(database), infra.postgresUser(), infra.postgresPassword());
  }

  private static OutboxWriter writer(OutboxMode mode) {
    return OutboxWriter.builder()
        .registry(registry)
        .producer("billing")
        .mode(mode)
        .meterRegistry(new SimpleMeterRegistry())
        .build();
  }

  private static Map<String, Object> ada() {
    Map<String, Object> data = new HashMap<>();
    data.put("userId", "42");
    data.put("email", "ada@example.com");
    data.put("name", "Ada");
    return data;
  }

  @ParameterizedTest
  @EnumSource(OutboxMode.class)
  void commitPublishesAndRollbackPublishesNothing(OutboxMode mode) throws Exception {
    OutboxWriter outbox = writer(mode);

    UUID rolledBack = outbox.publish(connection, TYPE, "user-1", ada());
    connection.rollback();
    UUID committed = outbox.publish(connection, TYPE, "user-2", ada(), TRACEPARENT);
    connection.commit();

    List<OutboxMessage> events = wal.events();
    assertThat(events).extracting(OutboxMessage::id).containsExactly(committed);
    assertThat(events).extracting(OutboxMessage::id).doesNotContain(rolledBack);
    OutboxMessage event = events.get(0);
    assertThat(event.type()).isEqualTo(TYPE);
    assertThat(event.key()).isEqualTo("user-2");
    assertThat(event.producer()).isEqualTo("billing");
    assertThat(event.traceparent()).isEqualTo(TRACEPARENT);
    assertThat(WireFormat.schemaId(event.payload()))
        .isEqualTo(registry.latest(TestSchemas.subject(TYPE)).id());
    assertThat(outboxRows()).isZero();
  }

  @ParameterizedTest
  @EnumSource(OutboxMode.class)
  void mapGenericAndGeneratedRecordsAreWrittenAsTheSameAvro(OutboxMode mode) throws Exception {
    OutboxWriter outbox = writer(mode);
    GenericRecord generic = new GenericData.Record(UserSignedUp.getClassSchema());
    generic.put("userId", "42");
    generic.put("email", "ada@example.com");
    generic.put("name", "Ada");

    outbox.publish(connection, TYPE, "user-42", ada());
    outbox.publish(connection, TYPE, "user-42", generic);
    outbox.publish(
        connection, TYPE, "user-42", new UserSignedUp("42", "ada@example.com", "Ada", null));
    connection.commit();

    List<OutboxMessage> events = wal.events();
    assertThat(events).hasSize(3);
    assertThat(events.get(1).payload()).isEqualTo(events.get(0).payload());
    assertThat(events.get(2).payload()).isEqualTo(events.get(0).payload());
    GenericRecord read =
        AvroDeserializer.generic(registry)
            .deserialize(Topics.events(TYPE), events.get(0).payload());
    assertThat(read.get("email")).hasToString("ada@example.com");
    assertThat(read.get("locale")).isNull();
    // A new trace each time none is given.
    assertThat(events).extracting(OutboxMessage::traceparent).doesNotHaveDuplicates();
  }

  @ParameterizedTest
  @EnumSource(OutboxMode.class)
  void invalidDataIsRefusedNamingTheFieldAndNothingIsWritten(OutboxMode mode) throws Exception {
    OutboxWriter outbox = writer(mode);
    Map<String, Object> wrong = ada();
    wrong.put("email", 42);
    wrong.remove("name");
    wrong.put("plan", "pro");
    GenericRecord missing = new GenericData.Record(UserSignedUp.getClassSchema());
    missing.put("userId", "42");
    missing.put("name", "Ada");

    assertThatThrownBy(() -> outbox.publish(connection, TYPE, "user-42", wrong))
        .isInstanceOfSatisfying(
            InvalidEventException.class,
            e ->
                assertThat(e.violations())
                    .containsExactly(
                        new Violation("data.email", "expected string, got number"),
                        new Violation("data.name", "missing required field"),
                        new Violation("data.plan", "unknown field")))
        .hasMessageStartingWith(
            "data does not match the schema of 'user-signed-up' (version 1): 3 violations:")
        .hasMessageContaining("data.email: expected string, got number");
    assertThatThrownBy(() -> outbox.publish(connection, TYPE, "user-42", missing))
        .isInstanceOfSatisfying(
            InvalidEventException.class,
            e ->
                assertThat(e.violations())
                    .extracting(Violation::field)
                    .containsExactly("data.email"));
    assertThatThrownBy(() -> outbox.publish(connection, "no-such-type", "k", ada()))
        .isInstanceOf(InvalidEventException.class)
        .hasMessage(
            "unknown event type 'no-such-type': subject offload.events.no-such-type-value has no"
                + " schema");
    assertThatThrownBy(() -> outbox.publish(connection, "Not_Kebab", "k", ada()))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("kebab-case");
    assertThatThrownBy(() -> outbox.publish(connection, TYPE, " ", ada()))
        .hasMessage("key must not be blank");
    connection.commit();

    assertThat(wal.events()).isEmpty();
  }

  @Test
  void apiInMessageModeEmitsWhatTheWriterEmits() throws Exception {
    ApiConfig config =
        IngestApiIT.configFor(infra, database)
            .with(Map.of("producer-name", "billing", "outbox.mode", "message"));
    UUID fromWriter =
        writer(OutboxMode.MESSAGE).publish(connection, TYPE, "user-42", ada(), TRACEPARENT);
    connection.commit();
    String fromApi;
    try (IngestApi api =
        IngestApi.start(
            config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Map.of(), registry)) {
      HttpResponse<String> response =
          new ApiClient(api)
              .postJson(
                  "/v1/events/" + TYPE,
                  "{\"key\":\"user-42\",\"data\":{\"userId\":\"42\",\"email\":\"ada@example.com\","
                      + "\"name\":\"Ada\"}}",
                  "traceparent",
                  TRACEPARENT);
      assertThat(response.statusCode()).isEqualTo(202);
      fromApi = new JsonObject(response.body()).getString("eventId");
    }

    List<OutboxMessage> events = wal.events();
    assertThat(events)
        .extracting(e -> e.id().toString())
        .containsExactly(fromWriter.toString(), fromApi);
    assertThat(events.get(1))
        .usingRecursiveComparison()
        .ignoringFields("id", "occurredAt")
        .isEqualTo(events.get(0));
    assertThat(outboxRows()).isZero();
  }

  private long outboxRows() throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM offload_outbox")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
