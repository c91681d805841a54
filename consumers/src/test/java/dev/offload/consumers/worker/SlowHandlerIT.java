package dev.offload.consumers.worker;

import static dev.offload.consumers.testing.KafkaSupport.bytes;
import static dev.offload.consumers.testing.KafkaSupport.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.consumers.testing.KafkaSupport;
import dev.offload.consumers.testing.Meters;
import dev.offload.consumers.testing.StrictUtf8;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A handler stuck for twice {@code max.poll.interval.ms}: the worker keeps polling, so it stays in
 * its group, other keys flow, and no record is redelivered.
 */
@ExtendWith(SharedInfrastructure.class)
class SlowHandlerIT {

  @Test
  void aSlowHandlerNeverLetsMaxPollIntervalExpire(Infrastructure infra) throws Exception {
    KafkaSupport kafka = new KafkaSupport(infra.bootstrapServers());
    String topic = Topics.events(TestNames.eventType("slow"));
    String group = TestNames.group("slow");
    kafka.createTopic(topic, 1);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    records.add(event(topic, "stuck", bytes("stuck")));
    for (int i = 0; i < 20; i++) {
      records.add(event(topic, "k" + i, bytes("v" + i)));
    }
    kafka.produce(records);

    CountDownLatch release = new CountDownLatch(1);
    Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
    HandlerBinding<String> binding =
        HandlerBinding.blocking(
            "slow",
            new StrictUtf8(),
            event -> {
              if (event.value().equals("stuck") && !release.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
              }
              handled.computeIfAbsent(event.value(), v -> new AtomicInteger()).incrementAndGet();
            },
            4);
    WorkerOptions options =
        WorkerOptions.defaults(infra.bootstrapServers(), group, List.of(topic))
            .withKafkaProperties(Map.of("max.poll.interval.ms", "2000"))
            .withCommitInterval(Duration.ofMillis(200));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    try (Worker worker = Worker.builder(options, binding).meterRegistry(registry).start()) {
      await().atMost(Duration.ofSeconds(60)).until(() -> handled.size() == 20);
      await()
          .pollDelay(Duration.ofSeconds(4))
          .atMost(Duration.ofSeconds(10))
          .until(() -> isStableWithOneMember(infra, group));
      assertThat(kafka.committed(group, topic)).as("held back by the stuck record").isZero();
      release.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 21);
      await().atMost(Duration.ofSeconds(10)).until(() -> kafka.committed(group, topic) == 21);
    }
    assertThat(handled.values()).allSatisfy(n -> assertThat(n).hasValue(1));
    assertThat(Meters.count(registry, WorkerMetricNames.HANDLED)).isEqualTo(21);
  }

  private static boolean isStableWithOneMember(Infrastructure infra, String group)
      throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()))) {
      ConsumerGroupDescription d =
          admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
      return d.groupState() == GroupState.STABLE && d.members().size() == 1;
    }
  }
}
