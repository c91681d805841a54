package dev.offload.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.consumers.worker.HandlerBinding;
import dev.offload.consumers.worker.Worker;
import dev.offload.consumers.worker.WorkerMetricNames;
import dev.offload.consumers.worker.WorkerOptions;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.ops.deadletter.DeadLetterToolsConfig;
import dev.offload.ops.deadletter.RedriveRequest;
import dev.offload.ops.deadletter.RedriveResult;
import dev.offload.ops.deadletter.Redriver;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Dead letters of a real worker come back through {@code offload dlq redrive} (the ops {@link
 * Redriver}) once the handler is fixed, are handled exactly once, and a second redrive publishes
 * nothing.
 */
@ExtendWith(SharedInfrastructure.class)
class RedriveWorkerIT {
  private static final int EVENTS = 20;
  private static final Set<String> POISONED = Set.of("e-1", "e-4", "e-7", "e-12", "e-19");

  @Test
  void deadLettersRedrivenAfterTheFixAreHandledOnceAndASecondRedrivePublishesNothing(
      Infrastructure infra) throws Exception {
    String bootstrap = infra.bootstrapServers();
    String group = TestNames.group("redrive");
    String topic = Topics.events(TestNames.eventType(group));
    TopicPartition partition = new TopicPartition(topic, 0);
    try (Admin admin = admin(bootstrap)) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    produce(bootstrap, topic);

    AtomicBoolean fixed = new AtomicBoolean();
    Map<String, AtomicInteger> effects = new ConcurrentHashMap<>();
    AtomicInteger brokenCalls = new AtomicInteger();
    HandlerBinding<String> binding =
        HandlerBinding.blocking(
            "redrive",
            new StringDeserializer(),
            event -> {
              String id = event.headers().eventId();
              if (!fixed.get() && POISONED.contains(id)) {
                brokenCalls.incrementAndGet();
                throw new IllegalArgumentException("cannot handle " + id);
              }
              effects.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            },
            4);
    MeterRegistry registry = new SimpleMeterRegistry();
    WorkerOptions options = WorkerOptions.defaults(bootstrap, group, List.of(topic));
    Redriver redriver = new Redriver(DeadLetterToolsConfig.defaults(bootstrap));
    RedriveRequest everything = new RedriveRequest(group, null, 0);

    try (Worker worker = Worker.builder(options, binding).meterRegistry(registry).start()) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  sum(registry, WorkerMetricNames.HANDLED) == EVENTS - POISONED.size()
                      && sum(registry, WorkerMetricNames.DEAD_LETTERED) == POISONED.size());
      assertThat(effects.keySet()).doesNotContainAnyElementsOf(POISONED);
      assertThat(brokenCalls).hasValue(POISONED.size());

      fixed.set(true);
      RedriveResult first = redriver.execute(everything, p -> {});
      assertThat(first.redriven()).isEqualTo(POISONED.size());
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> sum(registry, WorkerMetricNames.HANDLED) == EVENTS);

      long endBefore = endOffset(bootstrap, partition);
      RedriveResult second = redriver.execute(everything, p -> {});
      assertThat(second.redriven()).isZero();
      assertThat(second.plan().toRedrive()).isEmpty();
      assertThat(second.plan().alreadyRedriven()).isEqualTo(POISONED.size());
      assertThat(endOffset(bootstrap, partition))
          .as("second run published nothing")
          .isEqualTo(endBefore);
    }

    Set<String> all =
        IntStream.range(0, EVENTS).mapToObj(i -> "e-" + i).collect(Collectors.toSet());
    assertThat(effects.keySet()).isEqualTo(all);
    assertThat(effects.values()).allSatisfy(n -> assertThat(n).hasValue(1));
    assertThat(sum(registry, WorkerMetricNames.HANDLED)).isEqualTo(EVENTS);
    assertThat(sum(registry, WorkerMetricNames.DEAD_LETTERED)).isEqualTo(POISONED.size());
    assertThat(brokenCalls).hasValue(POISONED.size());
    assertThat(Topics.deadLetters(group)).isEqualTo("offload.dlq." + group);
  }

  private static void produce(String bootstrap, String topic) throws Exception {
    Map<String, Object> p =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all");
    try (var producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < EVENTS; i++) {
        var record = new ProducerRecord<>(topic, 0, bytes("user-" + i), bytes("value-" + i));
        record.headers().add(OffloadHeaders.EVENT_ID, bytes("e-" + i));
        record.headers().add(OffloadHeaders.EVENT_TYPE, bytes("test-event"));
        producer.send(record).get();
      }
    }
  }

  private static long endOffset(String bootstrap, TopicPartition partition) throws Exception {
    try (Admin admin = admin(bootstrap)) {
      return admin
          .listOffsets(Map.of(partition, OffsetSpec.latest()))
          .partitionResult(partition)
          .get()
          .offset();
    }
  }

  private static double sum(MeterRegistry registry, String name) {
    return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
  }

  private static Admin admin(String bootstrap) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
