package dev.offload.ops.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.offload.embedded.EmbeddedKafka;
import dev.offload.embedded.junit.TestNames;
import dev.offload.ops.lag.GroupLag;
import dev.offload.ops.lag.LagMonitor;
import dev.offload.ops.lag.LagMonitorConfig;
import dev.offload.schemas.kafka.KafkaClientSecurity;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
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
import org.apache.kafka.common.errors.SaslAuthenticationException;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * Offload's Kafka clients against a broker's {@code SASL_PLAINTEXT} listener with SCRAM-SHA-512
 * users: the settings {@link KafkaClientSecurity} reads from the environment let the right user
 * produce, consume and watch lag, a wrong password is refused, and neither password reaches the
 * log. A broker of its own: the shared one has no SASL listener.
 */
class KafkaClientSecurityIT {
  private static final String USER = "offload-ops";
  private static final String PASSWORD = "pw-right-7f3a91c2";
  private static final String WRONG_PASSWORD = "pw-wrong-0b5e66d4";

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
  void theRightCredentialsProduceConsumeAndReadLag() throws Exception {
    KafkaClientSecurity security = securityFromEnvironment(PASSWORD, "right");
    String topic = TestNames.topic("sasl");
    String group = TestNames.group("sasl");
    try (Admin admin = Admin.create(props(security, Map.of()))) {
      admin
          .createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            props(security, Map.of(ProducerConfig.ACKS_CONFIG, "all")),
            new StringSerializer(),
            new StringSerializer())) {
      for (int i = 0; i < 3; i++) {
        producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
      }
    }
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            props(
                security,
                Map.of(
                    ConsumerConfig.GROUP_ID_CONFIG, group,
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                    ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1")),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      ConsumerRecord<String, String> first =
          await()
              .atMost(Duration.ofSeconds(60))
              .until(() -> consumer.poll(Duration.ofMillis(200)), r -> !r.isEmpty())
              .iterator()
              .next();
      assertThat(first.value()).isEqualTo("v0");
      consumer.commitSync();
    }
    // The ops role's lag monitor, through the same listener: one record consumed of three.
    LagMonitorConfig lagConfig =
        LagMonitorConfig.builder(kafka.saslBootstrapServers())
            .groups(Set.of(group))
            .security(security)
            .build();
    try (LagMonitor monitor = LagMonitor.create(lagConfig)) {
      GroupLag lag = monitor.sampleOnce().group(group).orElseThrow();
      assertThat(lag.totalLagRecords()).isEqualTo(2);
    }
    assertNoPasswordLogged();
  }

  @Test
  void aWrongPasswordIsRefusedWithAnAuthenticationError() throws Exception {
    KafkaClientSecurity security = securityFromEnvironment(WRONG_PASSWORD, "wrong");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            props(security, Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000")),
            new StringSerializer(),
            new StringSerializer())) {
      assertThatThrownBy(
              () ->
                  producer
                      .send(new ProducerRecord<>(TestNames.topic("refused"), "k", "v"))
                      .get(30, TimeUnit.SECONDS))
          .satisfies(
              e ->
                  assertThat(e instanceof ExecutionException ? e.getCause() : e)
                      .isInstanceOf(SaslAuthenticationException.class)
                      .hasMessageContaining("invalid credentials"));
    }
    assertNoPasswordLogged();
  }

  /** The settings the roles read: environment variables naming files, as in the compose stack. */
  private static KafkaClientSecurity securityFromEnvironment(String password, String name)
      throws Exception {
    Path jaas =
        Files.writeString(
            dir.resolve("jaas-" + name + ".conf"),
            "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + USER
                + "\" password=\""
                + password
                + "\";");
    KafkaClientSecurity security =
        KafkaClientSecurity.fromEnvironment(
            Map.of(
                KafkaClientSecurity.PROTOCOL_ENV,
                "SASL_PLAINTEXT",
                KafkaClientSecurity.MECHANISM_ENV,
                EmbeddedKafka.SCRAM_MECHANISM,
                KafkaClientSecurity.JAAS_FILE_ENV,
                jaas.toString()));
    // Log the settings as a role does at start: the file is named, its content is not.
    LogManager.getLogger(KafkaClientSecurityIT.class).info("Kafka client security: {}", security);
    return security;
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
    assertThat(text).contains("Kafka client security: KafkaClientSecurity[protocol=SASL_PLAINTEXT");
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
