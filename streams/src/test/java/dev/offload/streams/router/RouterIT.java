package dev.offload.streams.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.DeadLetterHeaders;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import dev.offload.streams.ItSupport;
import dev.offload.streams.StreamsConfiguration;
import dev.offload.streams.StreamsRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The router on the real broker under exactly-once: routes, deduplicates, dead-letters. */
@ExtendWith(SharedInfrastructure.class)
class RouterIT {
  private static final Duration PATIENCE = Duration.ofSeconds(120);

  @TempDir Path dir;
  private StreamsRunner runner;

  @AfterEach
  void tearDown() {
    if (runner != null) {
      runner.close();
    }
  }

  @Test
  void routesEachDistinctEventOnceAndDeadLettersThePoison(Infrastructure infrastructure) {
    String bootstrap = infrastructure.bootstrapServers();
    String type = TestNames.eventType("signup");
    String email = TestNames.topic("email");
    String audit = TestNames.topic("audit");
    String appId = TestNames.group("router-it");
    String topic = "offload.events." + type;
    ItSupport.createTopics(bootstrap, List.of(topic), 3);
    String yaml =
        """
        kafka: {bootstrap-servers: '%s'}
        application-id: %s
        state-dir: '%s'
        http: {port: 0}
        topologies:
          router:
            input-pattern: 'offload\\.events\\.%s'
            routes: {%s: [%s, %s]}
        """
            .formatted(bootstrap, appId, dir, type, type, email, audit);
    runner =
        StreamsRunner.start(
            new RouterTopology(), StreamsConfiguration.LOADER.parse(yaml, Map.of()));
    await().atMost(PATIENCE).until(() -> runner.state() == KafkaStreams.State.RUNNING);

    try (var producer = ItSupport.producer(bootstrap)) {
      for (int i = 0; i < 200; i++) {
        producer.send(ItSupport.event(topic, "user-" + (i % 20), "id-" + i, type, "shop"));
      }
      for (int i = 0; i < 50; i++) { // CDC redelivery: same id, same key
        producer.send(ItSupport.event(topic, "user-" + (i % 20), "id-" + i, type, "shop"));
      }
      producer.send(ItSupport.event(topic, "poison", null, type, "shop"));
      producer.flush();
    }

    for (String handler : List.of(email, audit)) {
      List<ConsumerRecord<byte[], byte[]>> work =
          ItSupport.readCommitted(bootstrap, Topics.work(handler), 200, PATIENCE);
      Set<String> ids =
          work.stream().map(r -> header(r, OffloadHeaders.EVENT_ID)).collect(Collectors.toSet());
      assertThat(work).hasSize(200);
      assertThat(ids).hasSize(200);
    }
    List<ConsumerRecord<byte[], byte[]>> dead =
        ItSupport.readCommitted(bootstrap, Topics.deadLetters(appId), 1, PATIENCE);
    assertThat(dead).hasSize(1);
    assertThat(new String(dead.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("poison");
    assertThat(header(dead.get(0), DeadLetterHeaders.REASON)).isEqualTo("processing");
    assertThat(header(dead.get(0), DeadLetterHeaders.ORIGINAL_TOPIC)).isEqualTo(topic);
    assertThat(header(dead.get(0), DeadLetterHeaders.GROUP)).isEqualTo(appId);
    assertThat(runner.state()).isEqualTo(KafkaStreams.State.RUNNING);
    assertThat(ItSupport.get(runner.httpPort(), "/health/ready").statusCode()).isEqualTo(200);
    String metrics = ItSupport.get(runner.httpPort(), "/metrics").body();
    assertThat(metrics)
        .contains(
            "offload_streams_records_dead_lettered_total{reason=\"processing\",topology=\"router\"} 1.0")
        .contains("offload_streams_records_processed_total");
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
