package dev.offload.consumers.retry;

import static dev.offload.consumers.testing.KafkaSupport.bytes;
import static dev.offload.consumers.testing.KafkaSupport.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.consumers.testing.KafkaSupport;
import dev.offload.consumers.testing.ShiftedClock;
import dev.offload.consumers.testing.StrictUtf8;
import dev.offload.consumers.worker.Event;
import dev.offload.consumers.worker.HandlerBinding;
import dev.offload.consumers.worker.Worker;
import dev.offload.consumers.worker.WorkerOptions;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two members of one group. Key A's first record fails and goes to a delay topic; then its source
 * partition moves to the other member before the retry is due. A's later record must still be
 * handled only after the retry succeeded, wherever the delay partition went, while key B flows.
 *
 * <p>The delay is one minute; the members share a clock the test moves forward to make the retry
 * due, so nothing waits for it and nothing depends on how fast the rebalance was.
 */
@ExtendWith(SharedInfrastructure.class)
class ParkingRebalanceIT {
  private static final Duration TIER = Duration.ofMinutes(1);

  private final ShiftedClock clock = new ShiftedClock();
  private final List<String> effects = new CopyOnWriteArrayList<>();
  private final List<Worker> workers = new ArrayList<>();

  @AfterEach
  void closeWorkers() {
    workers.forEach(Worker::close);
  }

  @Test
  void aKeyStaysParkedWhenAJoiningMemberSplitsItsSourceAndDelayPartitions(Infrastructure infra)
      throws Exception {
    Setup s = setUp(infra, "park-join");
    Worker first = s.failA1AndAwaitItsRetry();

    Worker second = start(s.options);
    // Two partitions (the source and the one delay partition), two members: one each.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> assignments(s).values().stream().allMatch(a -> a.size() == 1));
    assertThat(assignments(s)).hasSize(2);
    System.out.printf("assignments after the join: %s%n", assignments(s));

    s.thenA2AndB2FlowInOrder();
    assertThat(List.of(first, second)).allMatch(Worker::isRunning);
  }

  @Test
  void aKeyStaysParkedWhenTheMemberThatParkedItLeaves(Infrastructure infra) throws Exception {
    Setup s = setUp(infra, "park-leave");
    Worker first = s.failA1AndAwaitItsRetry();

    start(s.options);
    await().atMost(Duration.ofSeconds(60)).until(() -> assignments(s).size() == 2);
    first.close(); // leaves: the source partition and the delay partition go to the other member
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              Map<String, Set<TopicPartition>> now = assignments(s);
              return now.size() == 1 && now.values().iterator().next().size() == 2;
            });

    s.thenA2AndB2FlowInOrder();
  }

  private Setup setUp(Infrastructure infra, String name) throws Exception {
    KafkaSupport kafka = new KafkaSupport(infra.bootstrapServers());
    String topic = TestNames.topic(name);
    String group = TestNames.group(name);
    kafka.createTopic(topic, 1);
    // One delay partition, so that two members split the group's two partitions one each.
    kafka.createTopic(Topics.retry(group, TIER), 1);
    RetryPolicy retry =
        RetryPolicy.defaults()
            .withBackoff(TIER, TIER)
            .withDelayTopics(Duration.ofSeconds(1), List.of(TIER));
    WorkerOptions options =
        WorkerOptions.defaults(infra.bootstrapServers(), group, List.of(topic))
            .withRetry(retry)
            .withCommitInterval(Duration.ofMillis(200))
            .withShutdownTimeout(Duration.ofSeconds(5));
    return new Setup(infra, kafka, topic, group, options);
  }

  private Worker start(WorkerOptions options) {
    HandlerBinding<String> binding =
        HandlerBinding.blocking("parking", new StrictUtf8(), this::handle, 4);
    Worker worker = Worker.builder(options, binding).clock(clock).jitter(() -> 1.0).start();
    workers.add(worker);
    return worker;
  }

  private void handle(Event<String> event) {
    int attempt = event.headers().attempt();
    if (event.value().equals("A1") && attempt == 1) {
      effects.add("A1 failed");
      throw new RetryableException("A1 fails its first attempt");
    }
    effects.add(event.value() + (attempt > 1 ? " attempt " + attempt : ""));
  }

  private Map<String, Set<TopicPartition>> assignments(Setup s) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, s.infra.bootstrapServers()))) {
      Map<String, Set<TopicPartition>> byMember = new HashMap<>();
      for (MemberDescription m :
          admin
              .describeConsumerGroups(List.of(s.group))
              .describedGroups()
              .get(s.group)
              .get()
              .members()) {
        byMember.put(m.consumerId(), m.assignment().topicPartitions());
      }
      return byMember;
    }
  }

  private final class Setup {
    final Infrastructure infra;
    final KafkaSupport kafka;
    final String topic;
    final String group;
    final WorkerOptions options;

    Setup(
        Infrastructure infra,
        KafkaSupport kafka,
        String topic,
        String group,
        WorkerOptions options) {
      this.infra = infra;
      this.kafka = kafka;
      this.topic = topic;
      this.group = group;
      this.options = options;
    }

    /** The first member alone: A1 fails and its retry is stored; B1 is handled. */
    Worker failA1AndAwaitItsRetry() throws Exception {
      Worker first = start(options);
      kafka.produce(List.of(event(topic, "A", bytes("A1")), event(topic, "B", bytes("B1"))));
      assertThat(kafka.readAll(Topics.retry(group, TIER), 1)).hasSize(1);
      await().atMost(Duration.ofSeconds(30)).until(() -> effects.contains("B1"));
      return first;
    }

    /**
     * A2 and B2 arrive after the move: B2 is handled at once, A2 waits; once the retry is due (the
     * clock jumps past it) A1 succeeds on its second attempt, and only then is A2 handled.
     */
    void thenA2AndB2FlowInOrder() throws Exception {
      kafka.produce(List.of(event(topic, "A", bytes("A2")), event(topic, "B", bytes("B2"))));
      await().atMost(Duration.ofSeconds(30)).until(() -> effects.contains("B2"));
      assertThat(effects).as("A2 waits behind A1's pending retry").doesNotContain("A2");

      clock.advance(TIER.plusSeconds(1));
      await().atMost(Duration.ofSeconds(60)).until(() -> effects.contains("A2"));
      assertThat(effects.stream().filter(e -> e.startsWith("A")))
          .as("A1's retry first, then A2")
          .containsExactly("A1 failed", "A1 attempt 2", "A2");
      assertThat(effects.indexOf("B2"))
          .as("B flowed while A waited")
          .isLessThan(effects.indexOf("A1 attempt 2"));
    }
  }
}
