package dev.offload.streams.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import dev.offload.streams.ItSupport;
import dev.offload.streams.StreamsConfiguration;
import dev.offload.streams.StreamsRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The router's deduplication survives moving to another instance: the second instance starts with
 * an empty state directory, restores the seen event ids from the changelog, and drops the
 * redelivered events.
 */
@ExtendWith(SharedInfrastructure.class)
class RouterRestoreIT {
  private static final Duration PATIENCE = Duration.ofSeconds(120);
  private static final int EVENTS = 60;
  private static final int KEYS = 10;

  @TempDir Path dir;
  private StreamsRunner runner;

  @AfterEach
  void tearDown() {
    if (runner != null) {
      runner.close();
    }
  }

  @Test
  void anotherInstanceRestoresTheSeenIdsFromTheChangelogAndDropsRedeliveries(
      Infrastructure infrastructure) {
    String bootstrap = infrastructure.bootstrapServers();
    String type = TestNames.eventType("restore");
    String handler = TestNames.topic("work");
    String appId = TestNames.group("router-restore");
    String topic = "offload.events." + type;
    ItSupport.createTopics(bootstrap, List.of(topic), 3);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < EVENTS; i++) {
      ids.add(UUID.randomUUID().toString());
    }

    runner = start(bootstrap, appId, dir.resolve("first"), type, handler);
    send(bootstrap, topic, type, ids);
    assertThat(ItSupport.readCommitted(bootstrap, Topics.work(handler), EVENTS, PATIENCE))
        .hasSize(EVENTS);
    runner.close();

    runner = start(bootstrap, appId, dir.resolve("second"), type, handler);
    send(bootstrap, topic, type, ids); // CDC redelivers every event after the move
    List<String> fresh = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) {
      fresh.add(UUID.randomUUID().toString());
    }
    // Sent last, on the same keys: once they are out, every redelivery before them was handled.
    send(bootstrap, topic, type, fresh);

    List<ConsumerRecord<byte[], byte[]>> work =
        ItSupport.readCommitted(bootstrap, Topics.work(handler), EVENTS + KEYS, PATIENCE);
    List<String> out =
        work.stream()
            .map(
                r ->
                    new String(
                        r.headers().lastHeader(OffloadHeaders.EVENT_ID).value(),
                        StandardCharsets.UTF_8))
            .toList();
    List<String> expected = new ArrayList<>(ids);
    expected.addAll(fresh);
    assertThat(out).containsExactlyInAnyOrderElementsOf(expected);
  }

  private StreamsRunner start(
      String bootstrap, String appId, Path stateDir, String type, String handler) {
    String yaml =
        """
        kafka:
          bootstrap-servers: '%s'
          properties:
            consumer.session.timeout.ms: 6000
            consumer.heartbeat.interval.ms: 1500
        application-id: %s
        processing-guarantee: exactly-once-v2
        state-dir: '%s'
        http: {port: -1}
        topologies:
          router:
            input-pattern: 'offload\\.events\\.%s'
            routes: {%s: [%s]}
        """
            .formatted(bootstrap, appId, stateDir, type, type, handler);
    StreamsRunner started =
        StreamsRunner.start(
            new RouterTopology(), StreamsConfiguration.LOADER.parse(yaml, Map.of()));
    await().atMost(PATIENCE).until(() -> started.state() == KafkaStreams.State.RUNNING);
    return started;
  }

  private static void send(String bootstrap, String topic, String type, List<String> ids) {
    try (var producer = ItSupport.producer(bootstrap)) {
      for (int i = 0; i < ids.size(); i++) {
        producer.send(ItSupport.event(topic, "key-" + (i % KEYS), ids.get(i), type, "shop"));
      }
      producer.flush();
    }
  }
}
