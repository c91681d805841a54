package dev.offload.consumers.ratelimit;

import static dev.offload.consumers.testing.KafkaSupport.bytes;
import static dev.offload.consumers.testing.KafkaSupport.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.consumers.testing.KafkaSupport;
import dev.offload.consumers.testing.Meters;
import dev.offload.consumers.testing.StrictUtf8;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A key over its rate limit waits (parked on a timer, not failed) while the other keys of the same
 * partition flow past it; its own events still run in order, and every offset is committed.
 */
@ExtendWith(SharedInfrastructure.class)
class RateLimitIT {

  @Test
  void aLimitedKeyDoesNotHoldBackTheOtherKeysOfItsPartition(Infrastructure infra) throws Exception {
    KafkaSupport kafka = new KafkaSupport(infra.bootstrapServers());
    String topic = Topics.events(TestNames.eventType("limited"));
    String group = TestNames.group("limited");
    kafka.createTopic(topic, 1);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      records.add(event(topic, "hot", bytes("hot-" + i)));
    }
    for (int i = 0; i < 40; i++) {
      records.add(event(topic, "k" + i, bytes("k" + i)));
    }
    kafka.produce(records);

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    List<String> handled = new CopyOnWriteArrayList<>();
    HandlerBinding<String> binding =
        HandlerBinding.<String>blocking("limited", new StrictUtf8(), e -> handled.add(e.value()), 4)
            .withRateLimits(
                List.of(RateLimit.perRecordKey("per-user", 1, Duration.ofSeconds(4))), meters);
    WorkerOptions options =
        WorkerOptions.defaults(infra.bootstrapServers(), group, List.of(topic))
            .withCommitInterval(Duration.ofMillis(200));

    try (Worker worker = Worker.builder(options, binding).meterRegistry(meters).start()) {
      await().atMost(Duration.ofSeconds(60)).until(() -> handled.size() == 43);
      await().atMost(Duration.ofSeconds(10)).until(() -> kafka.committed(group, topic) == 43);
    }
    List<String> hot = handled.stream().filter(v -> v.startsWith("hot")).toList();
    assertThat(hot)
        .as("the limited key keeps its order")
        .containsExactly("hot-0", "hot-1", "hot-2");
    assertThat(handled.indexOf("hot-1"))
        .as("every other key finished while hot-1 waited for its permit")
        .isGreaterThan(handled.indexOf("k39"))
        .isEqualTo(41);
    assertThat(Meters.count(meters, RateLimitedHandler.LIMITED)).isEqualTo(2);
    assertThat(Meters.count(meters, WorkerMetricNames.FAILED))
        .as("waiting is not failing")
        .isZero();
    assertThat(Meters.count(meters, WorkerMetricNames.RETRIED)).isZero();
  }
}
