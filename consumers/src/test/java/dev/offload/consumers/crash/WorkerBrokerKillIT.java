package dev.offload.consumers.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.consumers.testing.KafkaSupport;
import dev.offload.consumers.worker.HandlerBinding;
import dev.offload.consumers.worker.Worker;
import dev.offload.consumers.worker.WorkerOptions;
import dev.offload.embedded.Ports;
import dev.offload.embedded.junit.ChildKafka;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.DeadLetterHeaders;
import dev.offload.schemas.HeaderValues;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka broker killed with SIGKILL while a worker is mid-way through a topic (poison records
 * among the good ones), away for 10 s, then started again on the same data and port: the same
 * worker resumes by itself, every good record is handled, every poison record is on the dead-letter
 * topic with its headers, and the group's commits reach the end of every partition (no record is
 * left abandoned). The broker runs in a child JVM, so that it can really be killed.
 */
class WorkerBrokerKillIT {
  private static final Logger log = LoggerFactory.getLogger(WorkerBrokerKillIT.class);
  private static final int RECORDS = 300;
  private static final int POISON_EVERY = 50;
  private static final Duration AWAY = Duration.ofSeconds(10);

  @Test
  void theWorkerResumesByItselfAndLeavesNoRecordBehind(@TempDir Path dir) throws Exception {
    Path kafkaDir = dir.resolve("kafka");
    int port = Ports.freePort();
    String bootstrap = "127.0.0.1:" + port;
    String topic = TestNames.topic("broker-kill");
    String group = TestNames.group("broker-kill");
    Process broker = ChildKafka.start(kafkaDir, port);
    try {
      KafkaSupport kafka = new KafkaSupport(bootstrap);
      kafka.createTopic(topic, 3);
      List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
      Set<String> good = new java.util.HashSet<>();
      Set<String> poison = new java.util.HashSet<>();
      for (int i = 0; i < RECORDS; i++) {
        String value = (i % POISON_EVERY == 7 ? "poison-" : "good-") + i;
        (value.startsWith("poison") ? poison : good).add(value);
        ProducerRecord<byte[], byte[]> record =
            new ProducerRecord<>(
                topic, KafkaSupport.bytes("key-" + (i % 30)), KafkaSupport.bytes(value));
        record.headers().add(OffloadHeaders.EVENT_ID, KafkaSupport.bytes("event-" + i));
        records.add(record); // spread over the partitions by key
      }
      kafka.produce(records);

      Set<String> handled = ConcurrentHashMap.newKeySet();
      AtomicInteger attempts = new AtomicInteger();
      HandlerBinding<String> binding =
          HandlerBinding.async(
              "broker-kill",
              new StringDeserializer(),
              event -> {
                attempts.incrementAndGet();
                if (event.value().startsWith("poison")) {
                  throw new IllegalArgumentException("poison record " + event.value());
                }
                // slow enough that the broker dies with records in flight
                return CompletableFuture.runAsync(
                    () -> {
                      sleep(50);
                      handled.add(event.value());
                    });
              });
      WorkerOptions options =
          WorkerOptions.defaults(bootstrap, group, List.of(topic))
              .withCommitInterval(Duration.ofMillis(200));
      Worker lateWorker = null;
      try (Worker worker = Worker.builder(options, binding).start()) {
        await().atMost(Duration.ofSeconds(60)).until(() -> handled.size() >= RECORDS / 10);
        broker.destroyForcibly().waitFor();
        int handledWhenKilled = handled.size();
        // A second worker of the group deployed while the broker is away: it waits for Kafka to
        // create its topics instead of exiting, then shares the work.
        CompletableFuture<Worker> late =
            CompletableFuture.supplyAsync(() -> Worker.builder(options, binding).start());
        Thread.sleep(AWAY.toMillis());
        assertThat(worker.isRunning()).as("the worker waits while the broker is away").isTrue();
        assertThat(late).as("a worker deployed while the broker is away waits for it").isNotDone();

        broker = ChildKafka.start(kafkaDir, port);
        long restarted = System.nanoTime();
        lateWorker = late.get(120, TimeUnit.SECONDS);
        assertThat(lateWorker.isRunning()).as("the worker deployed while away runs").isTrue();
        await()
            .atMost(Duration.ofSeconds(120))
            .untilAsserted(() -> assertThat(handled).containsAll(good));
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () ->
                    assertThat(committed(bootstrap, group, topic))
                        .as("the group's commits, per partition")
                        .isEqualTo(endOffsets(bootstrap, topic)));
        log.info(
            "{} of {} good records handled when the broker was killed; all handled and committed"
                + " {} ms after its restart, in {} attempts",
            handledWhenKilled,
            good.size(),
            (System.nanoTime() - restarted) / 1_000_000,
            attempts.get());
        assertThat(worker.isRunning()).as("the same worker, never restarted").isTrue();
      } finally {
        if (lateWorker != null) {
          lateWorker.close();
        }
      }
      var deadLetters = kafka.readAll(Topics.deadLetters(group), poison.size());
      Map<String, Integer> dead = new HashMap<>();
      for (var letter : deadLetters) {
        dead.merge(KafkaSupport.text(letter.value()), 1, Integer::sum);
        assertThat(HeaderValues.text(letter.headers(), DeadLetterHeaders.ORIGINAL_TOPIC))
            .isEqualTo(topic);
        assertThat(HeaderValues.text(letter.headers(), DeadLetterHeaders.EXCEPTION_CLASS))
            .isEqualTo(IllegalArgumentException.class.getName());
      }
      assertThat(dead.keySet()).as("every poison record, dead-lettered").isEqualTo(poison);
    } finally {
      broker.destroyForcibly().waitFor();
    }
  }

  private static Map<TopicPartition, Long> committed(String bootstrap, String group, String topic)
      throws Exception {
    try (Admin admin = admin(bootstrap)) {
      Map<TopicPartition, Long> out = new HashMap<>();
      for (Map.Entry<TopicPartition, OffsetAndMetadata> e :
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet()) {
        if (e.getKey().topic().equals(topic) && e.getValue() != null) {
          out.put(e.getKey(), e.getValue().offset());
        }
      }
      return out;
    }
  }

  private static Map<TopicPartition, Long> endOffsets(String bootstrap, String topic)
      throws Exception {
    try (Admin admin = admin(bootstrap)) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
          .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      Map<TopicPartition, Long> out = new HashMap<>();
      // an empty partition has no commit to compare
      admin
          .listOffsets(latest)
          .all()
          .get()
          .forEach(
              (tp, info) -> {
                if (info.offset() > 0) {
                  out.put(tp, info.offset());
                }
              });
      return out;
    }
  }

  private static Admin admin(String bootstrap) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
