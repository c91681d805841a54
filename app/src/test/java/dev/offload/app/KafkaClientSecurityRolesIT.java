package dev.offload.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.offload.connectors.ConnectorConfig;
import dev.offload.connectors.OutboxConnector;
import dev.offload.embedded.EmbeddedKafka;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.ops.replay.GroupOffsetReset;
import dev.offload.ops.replay.Position;
import dev.offload.ops.replay.ReplayPlan;
import dev.offload.ops.replay.ReplayPlanner;
import dev.offload.ops.replay.ReplayRequest;
import dev.offload.ops.replay.ReplayResult;
import dev.offload.ops.replay.Replayer;
import dev.offload.ops.replay.ReplayerConfig;
import dev.offload.producers.OutboxWriter;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import dev.offload.schemas.events.UserSignedUp;
import dev.offload.schemas.kafka.KafkaClientSecurity;
import dev.offload.schemas.outbox.OutboxMigrations;
import dev.offload.schemas.outbox.OutboxMode;
import dev.offload.schemas.registry.InMemorySchemaRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay tool and the connector against a broker's {@code SASL_PLAINTEXT} listener with
 * SCRAM-SHA-512 users: with the settings {@link KafkaClientSecurity} reads (environment variables,
 * or the connector file's {@code kafka.security} section) the replay plans, copies and resets, and
 * the connector delivers an outbox event; with a wrong password each fails with Kafka's
 * authentication error in its message, and no password reaches the log. A broker of its own: the
 * shared one has no SASL listener. PostgreSQL is the shared one.
 */
@ExtendWith(SharedInfrastructure.class)
class KafkaClientSecurityRolesIT {
  private static final String USER = "offload-roles";
  private static final String PASSWORD = "pw-roles-right-5d21c8e0";
  private static final String WRONG_PASSWORD = "pw-roles-wrong-a93f17b6";
  private static final String AUTH_FAILED = "invalid credentials";

  @TempDir static Path dir;
  private static EmbeddedKafka kafka;
  private static StringWriter log;
  private static WriterAppender appender;

  @BeforeAll
  static void startBrokerAndCaptureTheLog() {
    captureLog();
    kafka = EmbeddedKafka.startWithScram(dir.resolve("kafka"), Map.of(), Map.of(USER, PASSWORD));
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.close();
    }
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    context.getConfiguration().getRootLogger().removeAppender(appender.getName());
    appender.stop();
    Configurator.setLevel("org.apache.kafka", Level.WARN);
    Configurator.setLevel("kafka", Level.WARN);
  }

  @Test
  void replayPlansCopiesAndResetsWithTheRightCredentialsAndFailsClearlyWithAWrongOne()
      throws Exception {
    KafkaClientSecurity right = KafkaClientSecurity.fromEnvironment(env(jaas(PASSWORD, "r")));
    KafkaClientSecurity wrong =
        KafkaClientSecurity.fromEnvironment(env(jaas(WRONG_PASSWORD, "r-wrong")));
    String source = TestNames.topic("sasl-replay-src");
    String into = TestNames.topic("sasl-replay-into");
    try (Admin admin = Admin.create(props(right, Map.of()))) {
      admin
          .createTopics(
              List.of(new NewTopic(source, 2, (short) 1), new NewTopic(into, 2, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            props(right, Map.of(ProducerConfig.ACKS_CONFIG, "all")),
            new StringSerializer(),
            new StringSerializer())) {
      for (int i = 0; i < 6; i++) {
        producer.send(new ProducerRecord<>(source, "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
      }
    }
    ReplayRequest request = ReplayRequest.of(source, new Position.AtOffset(0), into);

    ReplayPlan plan;
    try (ReplayPlanner planner = ReplayPlanner.connect(kafka.saslBootstrapServers(), right)) {
      plan = planner.plan(request);
    }
    assertThat(plan.total()).isEqualTo(6);
    ReplayResult result =
        new Replayer(ReplayerConfig.defaults(kafka.saslBootstrapServers()).withSecurity(right))
            .execute(plan, p -> {});
    assertThat(result.copied()).isEqualTo(6);
    List<ConsumerRecord<String, byte[]>> copies = readAll(right, into, 6);
    assertThat(copies)
        .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
        .containsExactlyInAnyOrder("v0", "v1", "v2", "v3", "v4", "v5");
    assertThat(copies)
        .extracting(r -> header(r, OffloadHeaders.REPLAY_ID))
        .containsOnly(result.replayId().toString());

    try (ReplayPlanner planner = ReplayPlanner.connect(kafka.saslBootstrapServers(), wrong)) {
      assertThatThrownBy(() -> planner.plan(request))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot describe topic " + source)
          .hasMessageContaining(AUTH_FAILED);
    }
    assertThatThrownBy(
            () ->
                new Replayer(
                        ReplayerConfig.defaults(kafka.saslBootstrapServers()).withSecurity(wrong))
                    .execute(plan, p -> {}))
        .isInstanceOf(SaslAuthenticationException.class)
        .hasMessageContaining(AUTH_FAILED);
    try (GroupOffsetReset reset = GroupOffsetReset.connect(kafka.saslBootstrapServers(), wrong)) {
      String group = TestNames.group("sasl-reset");
      assertThatThrownBy(() -> reset.plan(group, Instant.now()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot describe group " + group)
          .hasMessageContaining(AUTH_FAILED);
    }
    assertNoPasswordLogged();
  }

  @Test
  void theConnectorDeliversWithTheRightCredentialsAndFailsClearlyWithAWrongOne(Infrastructure infra)
      throws Exception {
    Path rightJaas = jaas(PASSWORD, "c");
    Path wrongJaas = jaas(WRONG_PASSWORD, "c-wrong");
    InMemorySchemaRegistry schemas = new InMemorySchemaRegistry();
    String type = TestNames.eventType("sasl-signed-up");
    schemas.register(Topics.events(type) + "-value", UserSignedUp.getClassSchema());

    // The right login from the file's kafka.security section.
    String good = TestNames.database("sasl_good");
    createOutbox(infra, good);
    ConnectorConfig config = connectorConfig(infra, good, rightJaas, Map.of());
    assertThat(config.toString()).contains("SASL_PLAINTEXT").doesNotContain(PASSWORD);
    String eventId;
    try (OutboxConnector connector = OutboxConnector.start(config, new SimpleMeterRegistry())) {
      eventId = publish(infra, good, schemas, type);
      List<ConsumerRecord<String, byte[]>> received =
          readAll(KafkaClientSecurity.fromEnvironment(env(rightJaas)), Topics.events(type), 1);
      assertThat(received).extracting(r -> r.key()).containsExactly("user-7");
      assertThat(header(received.get(0), OffloadHeaders.EVENT_ID)).isEqualTo(eventId);
      assertThat(connector.failure()).isEmpty();
    }
    dropSlot(infra, good);

    // A wrong login from the environment, which overrides the file.
    String bad = TestNames.database("sasl_bad");
    createOutbox(infra, bad);
    ConnectorConfig refused =
        connectorConfig(
            infra, bad, rightJaas, Map.of(KafkaClientSecurity.JAAS_FILE_ENV, wrongJaas.toString()));
    assertThat(refused.kafka().clientSecurity().jaasConfigFile()).isEqualTo(wrongJaas);
    try (OutboxConnector connector = OutboxConnector.start(refused, new SimpleMeterRegistry())) {
      String lost = publish(infra, bad, schemas, type);
      await().atMost(Duration.ofSeconds(90)).until(() -> connector.failure().isPresent());
      Throwable failure = connector.failure().orElseThrow();
      assertThat(failure).hasMessageContaining("Kafka did not acknowledge event " + lost);
      assertThat(failure).hasRootCauseInstanceOf(SaslAuthenticationException.class);
      assertThat(failure.getCause()).hasMessageContaining(AUTH_FAILED);
      assertThat(connector.isRunning()).isFalse();
    }
    dropSlot(infra, bad);
    assertNoPasswordLogged();
  }

  /** The connector's configuration as {@code offload connector --config} loads it. */
  private ConnectorConfig connectorConfig(
      Infrastructure infra, String database, Path jaasFile, Map<String, String> securityEnv) {
    String yaml =
        String.join(
            "\n",
            "kafka:",
            "  bootstrap-servers: " + kafka.saslBootstrapServers(),
            "  security:",
            "    protocol: SASL_PLAINTEXT",
            "    sasl-mechanism: " + EmbeddedKafka.SCRAM_MECHANISM,
            "    sasl-jaas-config-file: " + jaasFile,
            "database:",
            "  host: " + infra.postgresHost(),
            "  port: " + infra.postgresPort(),
            "  name: " + database,
            "  user: " + infra.postgresUser(),
            "connector:",
            "  name: it-" + database,
            "  slot: " + database,
            "  publication: " + database + "_pub",
            "  offset-file: " + dir.resolve(database + "-offsets.dat"),
            "http: {port: -1}",
            "");
    Map<String, String> env = new java.util.HashMap<>(securityEnv);
    env.put("OFFLOAD_DATABASE_PASSWORD", infra.postgresPassword());
    return ConnectorConfig.LOADER.parse(yaml, env);
  }

  private static String publish(
      Infrastructure infra, String database, InMemorySchemaRegistry schemas, String type)
      throws Exception {
    OutboxWriter writer =
        OutboxWriter.builder()
            .registry(schemas)
            .producer("billing")
            .mode(OutboxMode.TABLE)
            .meterRegistry(new SimpleMeterRegistry())
            .build();
    try (Connection db =
        DriverManager.getConnection(
            infra.jdbcUrl(database), infra.postgresUser(), infra.postgresPassword())) {
      db.setAutoCommit(false);
      UUID id =
          writer.publish(
              db,
              type,
              "user-7",
              Map.of("userId", "7", "email", "grace@example.com", "name", "Grace"));
      db.commit();
      return id.toString();
    }
  }

  private static void createOutbox(Infrastructure infra, String database) throws Exception {
    infra.createDatabase(database);
    try (Connection c =
        DriverManager.getConnection(
            infra.jdbcUrl(database), infra.postgresUser(), infra.postgresPassword())) {
      OutboxMigrations.migrate(c);
    }
  }

  private static void dropSlot(Infrastructure infra, String database) throws Exception {
    try (Connection c =
            DriverManager.getConnection(
                infra.jdbcUrl(database), infra.postgresUser(), infra.postgresPassword());
        var drop =
            c.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE slot_name = ? AND NOT active")) {
      drop.setString(1, database);
      drop.execute();
    }
  }

  private static List<ConsumerRecord<String, byte[]>> readAll(
      KafkaClientSecurity security, String topic, int n) {
    List<ConsumerRecord<String, byte[]>> received = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            props(security, Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          await()
              .atMost(Duration.ofSeconds(60))
              .until(
                  () ->
                      consumer.partitionsFor(topic, Duration.ofSeconds(5)).stream()
                          .map(p -> new TopicPartition(topic, p.partition()))
                          .toList(),
                  p -> !p.isEmpty());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                return received.size() >= n;
              });
    }
    return received;
  }

  private static String header(ConsumerRecord<String, byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** A JAAS file as the compose stack mounts one: the login of {@link #USER}. */
  private static Path jaas(String password, String name) throws Exception {
    return Files.writeString(
        dir.resolve("jaas-" + name + ".conf"),
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + USER
            + "\" password=\""
            + password
            + "\";");
  }

  /** The environment a role reads its Kafka client security from. */
  private static Map<String, String> env(Path jaasFile) {
    return Map.of(
        KafkaClientSecurity.PROTOCOL_ENV,
        "SASL_PLAINTEXT",
        KafkaClientSecurity.MECHANISM_ENV,
        EmbeddedKafka.SCRAM_MECHANISM,
        KafkaClientSecurity.JAAS_FILE_ENV,
        jaasFile.toString());
  }

  private static Properties props(KafkaClientSecurity security, Map<String, String> extra) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.saslBootstrapServers());
    p.putAll(extra);
    return security.applyTo(p);
  }

  private static void assertNoPasswordLogged() {
    String text;
    synchronized (log) {
      text = log.toString();
    }
    // The capture works and saw the clients' configuration, with the login hidden.
    assertThat(text).contains("sasl.jaas.config = [hidden]");
    assertThat(text).doesNotContain(PASSWORD).doesNotContain(WRONG_PASSWORD);
  }

  /** Sends everything logged, Kafka's client and broker INFO lines included, to a string. */
  private static void captureLog() {
    log = new StringWriter();
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    appender =
        WriterAppender.newBuilder()
            .setName("captured-for-secrets")
            .setTarget(log)
            .setLayout(
                PatternLayout.newBuilder()
                    .withPattern("%-5level %c - %msg%n%throwable")
                    .withConfiguration(config)
                    .build())
            .build();
    appender.start();
    config.addAppender(appender);
    config.getRootLogger().addAppender(appender, null, null);
    context.updateLoggers();
    Configurator.setLevel("org.apache.kafka", Level.INFO);
    Configurator.setLevel("kafka", Level.INFO);
  }
}
