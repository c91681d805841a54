package dev.offload.consumers.handlers.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.offload.consumers.dedup.ProcessedEventStore;
import dev.offload.consumers.handlers.EventDeserializers;
import dev.offload.consumers.testing.AvroEvents;
import dev.offload.consumers.testing.Databases;
import dev.offload.consumers.testing.KafkaSupport;
import dev.offload.consumers.testing.Meters;
import dev.offload.consumers.worker.HandlerBinding;
import dev.offload.consumers.worker.Worker;
import dev.offload.consumers.worker.WorkerMetricNames;
import dev.offload.consumers.worker.WorkerOptions;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.Ports;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.runtime.breaker.CircuitBreaker;
import dev.offload.runtime.breaker.CircuitBreakerPolicy;
import dev.offload.runtime.breaker.CircuitState;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import dev.offload.schemas.events.PasswordResetRequested;
import dev.offload.schemas.events.UserSignedUp;
import dev.offload.schemas.serde.AvroDeserializer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Mails land in a real SMTP server (GreenMail) once per event id. */
@ExtendWith(SharedInfrastructure.class)
class EmailHandlerIT {
  private final AvroEvents avro = new AvroEvents();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final String signups = Topics.events(TestNames.eventType("signup"));
  private final String resets = Topics.events(TestNames.eventType("reset"));
  private final String group = TestNames.group("email");
  private ServerSetup smtp;
  private GreenMail mailServer;

  @BeforeEach
  void startSmtp() {
    smtp = new ServerSetup(Ports.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
    mailServer = new GreenMail(smtp);
    mailServer.start();
  }

  @AfterEach
  void stopSmtp() {
    mailServer.stop();
  }

  @Test
  void everyEventIsMailedOnceWithTheRightRecipientSubjectAndLink(Infrastructure infra)
      throws Exception {
    KafkaSupport kafka = topics(infra, 1);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      records.add(signup("u" + i, "user" + i + "@example.com", i == 0 ? "de" : null, "s-" + i));
    }
    for (int i = 0; i < 3; i++) {
      records.add(reset("u" + i, "user" + i + "@example.com", "r-" + i));
    }
    records.add(signup("u1", "user1@example.com", null, "s-1")); // redelivered
    records.add(reset("u2", "user2@example.com", "r-2")); // redelivered
    records.add(signup("u9", "not an address", null, "s-bad"));
    kafka.produce(records);

    try (Worker worker = start(infra, binding(infra, CircuitBreaker.withDefaults("smtp")))) {
      await().atMost(Duration.ofSeconds(60)).until(() -> handledOrDead() == records.size());
    }

    MimeMessage[] mails = mailServer.getReceivedMessages();
    assertThat(mails).hasSize(7);
    assertThat(subjectsTo(mails, "user0@example.com"))
        .containsExactlyInAnyOrder(
            "Willkommen bei Offload, User u0", "Reset your Offload password");
    assertThat(subjectsTo(mails, "user1@example.com"))
        .containsExactlyInAnyOrder("Welcome to Offload, User u1", "Reset your Offload password");
    MimeMessage resetMail =
        Arrays.stream(mails)
            .filter(m -> subject(m).startsWith("Reset") && to(m).equals("user2@example.com"))
            .findFirst()
            .orElseThrow();
    assertThat(GreenMailUtil.getBody(resetMail)).contains("https://app.example/reset/u2");
    assertThat(resetMail.getMessageID()).isEqualTo("<r-2@offload>");
    assertThat(Meters.count(meters, WorkerMetricNames.DEAD_LETTERED)).isEqualTo(1);
    var letter = kafka.readAll(Topics.deadLetters(group), 1).get(0);
    assertThat(KafkaSupport.text(letter.headers().lastHeader(OffloadHeaders.EVENT_ID).value()))
        .isEqualTo("s-bad");
  }

  @Test
  void anSmtpOutageOpensTheBreakerAndEveryMailArrivesOnceWhenTheServerIsBack(Infrastructure infra)
      throws Exception {
    KafkaSupport kafka = topics(infra, 3);
    CircuitBreaker breaker =
        new CircuitBreaker(
            "smtp", new CircuitBreakerPolicy(3, Duration.ofMillis(500)), Clock.systemUTC());
    try (Worker worker = start(infra, binding(infra, breaker))) {
      kafka.produce(signups(0, 10));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> mailServer.getReceivedMessages().length == 10);

      mailServer.stop();
      kafka.produce(signups(10, 40));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  breaker.state() != CircuitState.CLOSED
                      && Meters.count(meters, WorkerMetricNames.BREAKER_HELD) > 0);
      // The server stays down for about 10 s under load: nothing may be dead-lettered.
      await()
          .during(Duration.ofSeconds(9))
          .atMost(Duration.ofSeconds(12))
          .until(() -> Meters.count(meters, WorkerMetricNames.DEAD_LETTERED) == 0);
      assertThat(Meters.count(meters, WorkerMetricNames.HANDLED)).isEqualTo(10);

      mailServer = new GreenMail(smtp);
      mailServer.start();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> mailServer.getReceivedMessages().length >= 30);
      await()
          .during(Duration.ofSeconds(1))
          .until(() -> Meters.count(meters, WorkerMetricNames.HANDLED) == 40);
    }
    MimeMessage[] mails = mailServer.getReceivedMessages();
    assertThat(mails).hasSize(30);
    List<String> ids = new ArrayList<>();
    for (MimeMessage mail : mails) {
      ids.add(mail.getMessageID());
    }
    assertThat(ids).doesNotHaveDuplicates().hasSize(30);
    assertThat(Meters.count(meters, WorkerMetricNames.DEAD_LETTERED)).isZero();
    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
  }

  List<ProducerRecord<byte[], byte[]>> signups(int from, int to) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = from; i < to; i++) {
      records.add(signup("u" + i, "user" + i + "@example.com", null, "s-" + i));
    }
    return records;
  }

  HandlerBinding<SpecificRecord> binding(Infrastructure infra, CircuitBreaker breaker)
      throws Exception {
    ProcessedEventStore store = ProcessedEventStore.open(Databases.fresh(infra, "email"), group);
    // Test topics carry unique names, so the deserializer is picked per test topic.
    var deserializer =
        EventDeserializers.byTopic(
            Map.of(
                signups, AvroDeserializer.specific(avro.registry(), UserSignedUp.class),
                resets, AvroDeserializer.specific(avro.registry(), PasswordResetRequested.class)));
    EmailConfig config = EmailConfig.defaults("127.0.0.1", smtp.getPort());
    return EmailHandler.binding(config, store, deserializer, 4, breaker);
  }

  KafkaSupport topics(Infrastructure infra, int partitions) throws Exception {
    KafkaSupport kafka = new KafkaSupport(infra.bootstrapServers());
    kafka.createTopic(signups, partitions);
    kafka.createTopic(resets, partitions);
    return kafka;
  }

  Worker start(Infrastructure infra, HandlerBinding<SpecificRecord> binding) {
    WorkerOptions options =
        WorkerOptions.defaults(infra.bootstrapServers(), group, List.of(signups, resets))
            .withMaxInFlight(16);
    return Worker.builder(options, binding).meterRegistry(meters).start();
  }

  double handledOrDead() {
    return Meters.count(meters, WorkerMetricNames.HANDLED)
        + Meters.count(meters, WorkerMetricNames.DEAD_LETTERED);
  }

  ProducerRecord<byte[], byte[]> signup(String user, String email, String locale, String id) {
    var value = new UserSignedUp(user, email, "User " + user, locale);
    return avro.record(signups, null, user, value, id, "user-signed-up", Instant.now());
  }

  ProducerRecord<byte[], byte[]> reset(String user, String email, String id) {
    var value =
        new PasswordResetRequested(
            user, email, "https://app.example/reset/" + user, Instant.now().plusSeconds(3600));
    return avro.record(resets, null, user, value, id, "password-reset-requested", Instant.now());
  }

  static List<String> subjectsTo(MimeMessage[] mails, String address) {
    return Arrays.stream(mails).filter(m -> to(m).equals(address)).map(m -> subject(m)).toList();
  }

  static String to(MimeMessage m) {
    try {
      return m.getRecipients(Message.RecipientType.TO)[0].toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String subject(MimeMessage m) {
    try {
      return m.getSubject();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
