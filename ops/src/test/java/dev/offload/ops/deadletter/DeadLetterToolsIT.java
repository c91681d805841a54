package dev.offload.ops.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.ops.KafkaFixtures;
import dev.offload.schemas.DeadLetterHeaders;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedInfrastructure.class)
class DeadLetterToolsIT {
  private static final String STATE = "java.lang.IllegalStateException";
  private static final String ARGUMENT = "java.lang.IllegalArgumentException";

  /** One dead letter to write: its key, original topic and failure. */
  private record Letter(String key, String originalTopic, String exception, String payload) {}

  @Test
  void listsShowsAndRedrivesOnce(Infrastructure infra) throws Exception {
    String bootstrap = infra.bootstrapServers();
    KafkaFixtures kafka = new KafkaFixtures(bootstrap);
    String group = TestNames.group("dlq");
    String orders = TestNames.topic("dlq-orders");
    String users = TestNames.topic("dlq-users");
    kafka.createTopic(Topics.deadLetters(group), 2);
    kafka.createTopic(orders, 2);
    kafka.createTopic(users, 1);
    String secret = "payload-" + UUID.randomUUID();
    List<Letter> letters =
        List.of(
            new Letter("o-1", orders, STATE, secret + "-1"),
            new Letter("o-2", orders, STATE, secret + "-2"),
            new Letter("u-1", users, STATE, secret + "-3"),
            new Letter("u-2", users, ARGUMENT, secret + "-4"),
            new Letter("o-3", orders, ARGUMENT, secret + "-5"));
    writeDeadLetters(bootstrap, group, letters);
    DeadLetterToolsConfig config = DeadLetterToolsConfig.defaults(bootstrap);

    List<DeadLetter> deadLetters;
    try (DeadLetterStore store = DeadLetterStore.connect(config)) {
      deadLetters = store.deadLetters(group);
    }
    DeadLetterSummary summary = DeadLetterSummary.of(group, deadLetters);
    assertThat(summary.total()).isEqualTo(5);
    assertThat(summary.count(STATE, orders)).isEqualTo(2);
    assertThat(summary.count(STATE, users)).isEqualTo(1);
    assertThat(summary.count(ARGUMENT, users)).isEqualTo(1);
    assertThat(summary.count(ARGUMENT, orders)).isEqualTo(1);
    assertThat(summary.rows()).hasSize(4);
    assertThat(DeadLetterReport.list(summary)).contains(STATE, orders, "TOTAL");

    assertThat(DeadLetterReport.show(deadLetters, false))
        .contains("o-1", DeadLetterHeaders.EXCEPTION_CLASS + ": " + STATE, "trace-o-1")
        .doesNotContain(secret);
    assertThat(DeadLetterReport.showJson(deadLetters, false))
        .contains("\"o-1\"")
        .doesNotContain(secret);
    assertThat(DeadLetterReport.show(deadLetters, true)).contains(secret + "-1", secret + "-5");
    assertThat(DeadLetterReport.showJson(deadLetters, true)).contains(secret + "-1", "\"text\"");

    Redriver redriver = new Redriver(config);
    RedriveRequest onlyState = RedriveRequest.parse(group, "exception=IllegalStateException", 0);
    RedrivePlan dryRun = redriver.plan(onlyState);
    assertThat(dryRun.toRedrive()).extracting(DeadLetter::exceptionClass).containsOnly(STATE);
    assertThat(dryRun.toRedrive()).hasSize(3);
    assertThat(readAll(bootstrap, orders)).as("a dry run publishes nothing").isEmpty();

    RedriveResult first = redriver.execute(onlyState, p -> {});
    assertThat(first.redriven()).isEqualTo(3);
    List<ConsumerRecord<String, String>> redrivenOrders = readAll(bootstrap, orders);
    List<ConsumerRecord<String, String>> redrivenUsers = readAll(bootstrap, users);
    assertThat(redrivenOrders)
        .extracting(ConsumerRecord::key, ConsumerRecord::value)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("o-1", secret + "-1"),
            org.assertj.core.groups.Tuple.tuple("o-2", secret + "-2"));
    assertThat(redrivenUsers)
        .extracting(ConsumerRecord::key, ConsumerRecord::value)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("u-1", secret + "-3"));
    for (ConsumerRecord<String, String> r : concat(redrivenOrders, redrivenUsers)) {
      assertThat(KafkaFixtures.header(r, "trace")).isEqualTo("trace-" + r.key());
      assertThat(KafkaFixtures.header(r, OffloadHeaders.REDRIVE_COUNT)).isEqualTo("1");
      assertThat(r.headers().toArray())
          .extracting(Header::key)
          .noneMatch(k -> k.startsWith(DeadLetterHeaders.PREFIX));
    }
    Set<String> stateIds =
        Set.copyOf(
            deadLetters.stream()
                .filter(d -> d.exceptionClass().equals(STATE))
                .map(DeadLetter::id)
                .toList());
    assertThat(readAll(bootstrap, Topics.redriven(group)))
        .extracting(ConsumerRecord::key)
        .containsExactlyInAnyOrderElementsOf(stateIds);

    RedriveResult second = redriver.execute(onlyState, p -> {});
    assertThat(second.redriven()).isZero();
    assertThat(second.plan().alreadyRedriven()).isEqualTo(3);
    assertThat(readAll(bootstrap, orders)).hasSize(2);
    assertThat(readAll(bootstrap, users)).hasSize(1);
    assertThat(readAll(bootstrap, Topics.redriven(group))).hasSize(3);
  }

  private static void writeDeadLetters(String bootstrap, String group, List<Letter> letters)
      throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      int i = 0;
      for (Letter l : letters) {
        var record = new ProducerRecord<>(Topics.deadLetters(group), i % 2, l.key(), l.payload());
        add(record, "trace", "trace-" + l.key());
        add(record, DeadLetterHeaders.REASON, "fatal");
        add(record, DeadLetterHeaders.EXCEPTION_CLASS, l.exception());
        add(record, DeadLetterHeaders.EXCEPTION_MESSAGE, "boom " + i);
        add(record, DeadLetterHeaders.STACKTRACE, l.exception() + ": boom\n\tat Handler.handle");
        add(record, DeadLetterHeaders.ORIGINAL_TOPIC, l.originalTopic());
        add(record, DeadLetterHeaders.ORIGINAL_PARTITION, "0");
        add(record, DeadLetterHeaders.ORIGINAL_OFFSET, "" + (100 + i));
        add(record, DeadLetterHeaders.GROUP, group);
        add(record, DeadLetterHeaders.FAILED_AT, "2026-01-01T00:00:0" + i + "Z");
        producer.send(record).get();
        i++;
      }
    }
  }

  private static void add(ProducerRecord<String, String> record, String name, String value) {
    record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  /** Every committed record of {@code topic} up to its end now (transaction markers skipped). */
  private static List<ConsumerRecord<String, String>> readAll(String bootstrap, String topic)
      throws Exception {
    Map<TopicPartition, Long> ends = new HashMap<>();
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (Admin admin = new KafkaFixtures(bootstrap).admin();
        var consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      int partitions =
          admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic).partitions().size();
      List<TopicPartition> tps = new ArrayList<>();
      for (int i = 0; i < partitions; i++) {
        tps.add(new TopicPartition(topic, i));
      }
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      ends.putAll(consumer.endOffsets(tps));
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInSameThread()
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                return tps.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
              });
    }
    return records;
  }

  private static List<ConsumerRecord<String, String>> concat(
      List<ConsumerRecord<String, String>> a, List<ConsumerRecord<String, String>> b) {
    List<ConsumerRecord<String, String>> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
