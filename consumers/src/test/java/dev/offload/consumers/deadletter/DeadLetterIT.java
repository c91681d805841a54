package dev.offload.consumers.deadletter;

import static dev.offload.consumers.testing.KafkaSupport.bytes;
import static dev.offload.consumers.testing.KafkaSupport.event;
import static dev.offload.consumers.testing.KafkaSupport.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.consumers.retry.RetryPolicy;
import dev.offload.consumers.retry.RetryableException;
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
import dev.offload.schemas.DeadLetterHeaders;
import dev.offload.schemas.HeaderValues;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedInfrastructure.class)
class DeadLetterIT {

  @Test
  void poisonAndAlwaysFailingRecordsAreDeadLetteredWithEveryHeaderWhileThePartitionMovesOn(
      Infrastructure infra) throws Exception {
    KafkaSupport kafka = new KafkaSupport(infra.bootstrapServers());
    String topic = Topics.events(TestNames.eventType("dlq"));
    String group = TestNames.group("dlq");
    kafka.createTopic(topic, 1);
    kafka.produce(
        List.of(
            event(topic, "k0", bytes("ok-0")),
            event(topic, "k1", StrictUtf8.POISON, "poison-id"),
            event(topic, "k2", bytes("ok-2")),
            event(topic, "k3", bytes("always-fails"), "failing-id"),
            event(topic, "k3", bytes("ok-4")),
            event(topic, "k5", bytes("ok-5"))));

    List<String> handled = new CopyOnWriteArrayList<>();
    HandlerBinding<String> binding =
        HandlerBinding.blocking(
            "dlq-test",
            new StrictUtf8(),
            event -> {
              if (event.value().equals("always-fails")) {
                throw new RetryableException("sink refuses attempt " + event.headers().attempt());
              }
              handled.add(event.value());
            },
            4);
    RetryPolicy retry =
        RetryPolicy.defaults()
            .withBackoff(Duration.ofMillis(20), Duration.ofMillis(50))
            .inPlaceOnly()
            .withMaxAttempts(3);
    WorkerOptions options =
        WorkerOptions.defaults(infra.bootstrapServers(), group, List.of(topic))
            .withRetry(retry)
            .withCommitInterval(Duration.ofMillis(200));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    try (Worker worker = Worker.builder(options, binding).meterRegistry(registry).start()) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> count(registry, WorkerMetricNames.DEAD_LETTERED) == 2);
      await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 4);
    }

    assertThat(handled).containsExactlyInAnyOrder("ok-0", "ok-2", "ok-4", "ok-5");
    assertThat(count(registry, WorkerMetricNames.RETRIED)).as("retries, exactly").isEqualTo(2);
    assertThat(count(registry, WorkerMetricNames.FAILED)).isEqualTo(4);
    assertThat(count(registry, WorkerMetricNames.HANDLED)).isEqualTo(4);
    assertThat(kafka.committed(group, topic)).isEqualTo(6);

    Map<String, ConsumerRecord<byte[], byte[]>> letters =
        kafka.readAll(Topics.deadLetters(group), 2).stream()
            .collect(
                Collectors.toMap(r -> header(r, OffloadHeaders.EVENT_ID), Function.identity()));
    assertThat(letters).containsOnlyKeys("poison-id", "failing-id");

    ConsumerRecord<byte[], byte[]> poison = letters.get("poison-id");
    assertEveryHeader(poison);
    assertThat(poison.value()).isEqualTo(StrictUtf8.POISON);
    assertThat(text(poison.key())).isEqualTo("k1");
    assertThat(header(poison, DeadLetterHeaders.REASON)).isEqualTo("deserialization");
    assertThat(header(poison, DeadLetterHeaders.ORIGINAL_OFFSET)).isEqualTo("1");
    assertThat(header(poison, DeadLetterHeaders.ATTEMPTS)).isEqualTo("1");

    ConsumerRecord<byte[], byte[]> failing = letters.get("failing-id");
    assertEveryHeader(failing);
    assertThat(text(failing.value())).isEqualTo("always-fails");
    assertThat(header(failing, DeadLetterHeaders.REASON)).isEqualTo("retries-exhausted");
    assertThat(header(failing, DeadLetterHeaders.EXCEPTION_CLASS))
        .isEqualTo(RetryableException.class.getName());
    assertThat(header(failing, DeadLetterHeaders.EXCEPTION_MESSAGE))
        .isEqualTo("sink refuses attempt 3");
    assertThat(header(failing, DeadLetterHeaders.ORIGINAL_TOPIC)).isEqualTo(topic);
    assertThat(header(failing, DeadLetterHeaders.ORIGINAL_PARTITION)).isEqualTo("0");
    assertThat(header(failing, DeadLetterHeaders.ORIGINAL_OFFSET)).isEqualTo("3");
    assertThat(header(failing, DeadLetterHeaders.GROUP)).isEqualTo(group);
    assertThat(header(failing, DeadLetterHeaders.ATTEMPTS)).isEqualTo("3");
    assertThat(HeaderValues.instant(failing.headers(), DeadLetterHeaders.FIRST_FAILED_AT))
        .isBeforeOrEqualTo(HeaderValues.instant(failing.headers(), DeadLetterHeaders.FAILED_AT));
    assertThat(header(failing, DeadLetterHeaders.STACKTRACE)).contains("RetryableException");
  }

  private static void assertEveryHeader(ConsumerRecord<byte[], byte[]> letter) {
    List<String> names =
        Arrays.stream(DeadLetterHeaders.class.getFields())
            .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class)
            .filter(f -> !f.getName().equals("PREFIX"))
            .map(DeadLetterIT::constant)
            .toList();
    assertThat(names).hasSize(11);
    assertThat(names).allSatisfy(name -> assertThat(header(letter, name)).isNotBlank());
  }

  private static String constant(java.lang.reflect.Field f) {
    try {
      return (String) f.get(null);
    } catch (IllegalAccessException e) {
      throw new AssertionError(e);
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    return HeaderValues.text(record.headers(), name);
  }

  private static double count(SimpleMeterRegistry registry, String name) {
    return Meters.count(registry, name);
  }
}
