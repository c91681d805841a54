package dev.offload.ops.dashboard;

import static org.awaitility.Awaitility.await;

import dev.offload.ops.KafkaFixtures;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Dead letters, backlogs and HTTP calls for the ops server's integration tests. */
final class DashboardFixtures {
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private DashboardFixtures() {}

  /** One dead letter to write: its payload (which the dashboard must never show) and headers. */
  record DeadLetter(
      String payload, String exceptionClass, String originalTopic, Instant failedAt) {}

  /** Writes {@code letters} to partition 0 of {@code topic}, in order, with the dlq headers. */
  static void publishDeadLetters(String bootstrap, String topic, List<DeadLetter> letters)
      throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (DeadLetter d : letters) {
        var record =
            new ProducerRecord<>(topic, 0, d.failedAt().toEpochMilli(), "key", d.payload());
        record.headers().add("offload-dlq-exception-class", bytes(d.exceptionClass()));
        record.headers().add("offload-dlq-exception-message", bytes("message of " + d.payload()));
        record.headers().add("offload-dlq-original-topic", bytes(d.originalTopic()));
        record.headers().add("offload-dlq-failed-at", bytes(d.failedAt().toString()));
        record.headers().add("offload-dlq-reason", bytes("fatal"));
        producer.send(record).get();
      }
    }
  }

  /**
   * A topic with {@code perPartition} records on each of {@code partitions}, stamped {@code age}
   * ago one millisecond apart, and a group that committed offset 0 everywhere and left: a backlog
   * of {@code partitions * perPartition} records nobody is consuming (status STOP).
   */
  static void backlog(
      KafkaFixtures kafka,
      String topic,
      String group,
      int partitions,
      int perPartition,
      Duration age)
      throws Exception {
    kafka.createTopic(topic, partitions);
    Instant base = Instant.now().minus(age);
    List<KafkaFixtures.Event> events = new java.util.ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      for (int i = 0; i < perPartition; i++) {
        events.add(KafkaFixtures.Event.of(p, "k" + i, base.plusMillis(i), "dashboard-test"));
      }
    }
    kafka.publish(topic, events);
    try (var consumer = kafka.joinedConsumer(group, topic, partitions)) {
      KafkaFixtures.commit(consumer, topic, new long[partitions]);
    }
  }

  /** GET {@code base + path}. */
  static HttpResponse<String> get(String base, String path)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** GET {@code base + path} until it answers 200, and that answer's body. */
  static String awaitOk(String base, String path) {
    String[] body = new String[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              HttpResponse<String> r = get(base, path);
              body[0] = r.body();
              return r.statusCode() == 200;
            });
    return body[0];
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
