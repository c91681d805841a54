package dev.offload.consumers.retry;

import static dev.offload.consumers.testing.KafkaSupport.bytes;
import static dev.offload.consumers.testing.KafkaSupport.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.consumers.testing.KafkaSupport;
import dev.offload.consumers.testing.Meters;
import dev.offload.consumers.testing.StrictUtf8;
import dev.offload.consumers.worker.Event;
import dev.offload.consumers.worker.HandlerBinding;
import dev.offload.consumers.worker.Worker;
import dev.offload.consumers.worker.WorkerMetricNames;
import dev.offload.consumers.worker.WorkerOptions;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Key A's first record fails twice, then succeeds: A's later records are handled after it, while
 * key B, on the same partition, is not held up.
 */
@ExtendWith(SharedInfrastructure.class)
class ParkingIT {
  private static final Duration TIER = Duration.ofSeconds(1);

  @Test
  void retriesThroughADelayTopicKeepKeyOrderWithoutBlockingOtherKeys(Infrastructure infra)
      throws Exception {
    RetryPolicy delayTopics =
        RetryPolicy.defaults()
            .withBackoff(Duration.ofMillis(300), Duration.ofMillis(600))
            .withDelayTopics(Duration.ofMillis(50), List.of(TIER));
    Run run = run(infra, "park-delay", delayTopics);

    String delayTopic = Topics.retry(run.group(), TIER);
    assertThat(new KafkaSupport(infra.bootstrapServers()).readAll(delayTopic, 2))
        .as("both retries went through the delay topic")
        .hasSize(2);
  }

  @Test
  void retriesInPlaceKeepKeyOrderWithoutBlockingOtherKeys(Infrastructure infra) throws Exception {
    RetryPolicy inPlace =
        RetryPolicy.defaults()
            .withBackoff(Duration.ofMillis(300), Duration.ofMillis(600))
            .inPlaceOnly();
    run(infra, "park-in-place", inPlace);
  }

  private Run run(Infrastructure infra, String name, RetryPolicy retry) throws Exception {
    KafkaSupport kafka = new KafkaSupport(infra.bootstrapServers());
    String topic = Topics.events(TestNames.eventType(name));
    String group = TestNames.group(name);
    kafka.createTopic(topic, 1);
    kafka.produce(
        List.of(
            event(topic, "A", bytes("A1")),
            event(topic, "B", bytes("B1")),
            event(topic, "A", bytes("A2")),
            event(topic, "B", bytes("B2")),
            event(topic, "B", bytes("B3")),
            event(topic, "A", bytes("A3"))));

    List<String> effects = new CopyOnWriteArrayList<>();
    List<Integer> a1Attempts = new CopyOnWriteArrayList<>();
    HandlerBinding<String> binding =
        HandlerBinding.blocking(
            "parking", new StrictUtf8(), e -> handle(e, effects, a1Attempts), 4);
    WorkerOptions options =
        WorkerOptions.defaults(infra.bootstrapServers(), group, List.of(topic))
            .withRetry(retry)
            .withCommitInterval(Duration.ofMillis(200));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Worker worker =
        Worker.builder(options, binding).meterRegistry(registry).jitter(() -> 1.0).start()) {
      await().atMost(Duration.ofSeconds(60)).until(() -> effects.size() == 6);
    }

    assertThat(effects.stream().filter(v -> v.startsWith("A"))).containsExactly("A1", "A2", "A3");
    assertThat(effects.subList(0, 3))
        .as("B is handled while A1 waits for its retries")
        .containsExactly("B1", "B2", "B3");
    assertThat(a1Attempts).containsExactly(1, 2, 3);
    assertThat(Meters.count(registry, WorkerMetricNames.RETRIED)).isEqualTo(2);
    assertThat(Meters.count(registry, WorkerMetricNames.DEAD_LETTERED)).isZero();
    assertThat(kafka.committed(group, topic)).isEqualTo(6);
    return new Run(group);
  }

  private static void handle(Event<String> event, List<String> effects, List<Integer> attempts) {
    if (event.value().equals("A1")) {
      attempts.add(event.headers().attempt());
      if (event.headers().attempt() <= 2) {
        throw new RetryableException("A1 fails attempt " + event.headers().attempt());
      }
    }
    effects.add(event.value());
  }

  private record Run(String group) {}
}
