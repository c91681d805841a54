package dev.offload.ops.replay;

import static dev.offload.ops.KafkaFixtures.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.ops.FakeClock;
import dev.offload.ops.KafkaFixtures;
import dev.offload.ops.KafkaFixtures.Event;
import dev.offload.schemas.OffloadHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@ExtendWith(SharedInfrastructure.class)
class ReplayIT {
  private static final Logger log = LoggerFactory.getLogger(ReplayIT.class);
  private static final int PARTITIONS = 3;

  // Event i is stamped BASE + i seconds, goes to partition i % 3, key "user-(i % 5)", and has
  // type "a" when i is even, "b" when odd.
  private final Instant base =
      Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.MILLIS);

  private List<Event> source(KafkaFixtures kafka, String topic, int count) throws Exception {
    kafka.createTopic(topic, PARTITIONS);
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(
          Event.of(i % PARTITIONS, "user-" + (i % 5), base.plusSeconds(i), i % 2 == 0 ? "a" : "b"));
    }
    kafka.publish(topic, events);
    return events;
  }

  private ReplayResult replay(Infrastructure infra, ReplayRequest request) throws Exception {
    try (ReplayPlanner planner = ReplayPlanner.connect(infra.bootstrapServers())) {
      ReplayPlan plan = planner.plan(request);
      return new Replayer(ReplayerConfig.defaults(infra.bootstrapServers())).execute(plan, p -> {});
    }
  }

  /** Asserts that {@code into} holds exactly the {@code expected} events, copied faithfully. */
  private static void assertCopied(
      KafkaFixtures kafka, String into, List<Event> expected, ReplayResult result)
      throws Exception {
    List<ConsumerRecord<String, String>> copies = kafka.readAll(into);
    assertThat(copies)
        .extracting(r -> header(r, OffloadHeaders.EVENT_ID))
        .containsExactlyInAnyOrderElementsOf(expected.stream().map(Event::id).toList());
    Map<String, Event> byId = expected.stream().collect(Collectors.toMap(Event::id, e -> e));
    for (ConsumerRecord<String, String> copy : copies) {
      Event original = byId.get(header(copy, OffloadHeaders.EVENT_ID));
      assertThat(copy.key()).isEqualTo(original.key());
      assertThat(copy.timestamp()).isEqualTo(original.timestamp().toEpochMilli());
      assertThat(header(copy, OffloadHeaders.EVENT_TYPE)).isEqualTo(original.type());
      assertThat(header(copy, OffloadHeaders.REPLAY_ID)).isEqualTo(result.replayId().toString());
    }
    assertThat(result.copied()).isEqualTo(expected.size());
  }

  @Test
  void aWriteTheBrokerRefusesFailsTheReplayNamingTheError(Infrastructure infra) throws Exception {
    KafkaFixtures kafka = new KafkaFixtures(infra.bootstrapServers());
    String topic = TestNames.topic("replay-src");
    String into = TestNames.topic("replay-refusing");
    source(kafka, topic, 12);
    // Every record batch is larger than the target accepts: each send fails in its callback.
    try (Admin admin = kafka.admin()) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(into, PARTITIONS, (short) 1)
                      .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "16"))))
          .all()
          .get();
    }
    List<ReplayProgress> progress = new ArrayList<>();
    try (ReplayPlanner planner = ReplayPlanner.connect(infra.bootstrapServers())) {
      ReplayPlan plan = planner.plan(ReplayRequest.of(topic, new Position.AtOffset(0), into));
      Replayer replayer = new Replayer(ReplayerConfig.defaults(infra.bootstrapServers()));
      assertThatThrownBy(() -> replayer.execute(plan, progress::add))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("into " + into + " failed after")
          .hasCauseInstanceOf(RecordTooLargeException.class);
    }
    // A report first waits for its copies to be acknowledged, so none was made.
    assertThat(progress).isEmpty();
    assertThat(kafka.readAll(into)).isEmpty();
  }

  @Test
  void timeWindowCopiesExactlyTheRecordsStampedInIt(Infrastructure infra) throws Exception {
    KafkaFixtures kafka = new KafkaFixtures(infra.bootstrapServers());
    String topic = TestNames.topic("replay-src");
    String into = TestNames.topic("replay-dst");
    List<Event> events = source(kafka, topic, 30);
    kafka.createTopic(into, PARTITIONS);
    Instant from = base.plusSeconds(10);
    Instant to = base.plusSeconds(20);
    ReplayRequest request =
        ReplayRequest.of(topic, new Position.AtTime(from), into).withTo(new Position.AtTime(to));

    try (ReplayPlanner planner = ReplayPlanner.connect(infra.bootstrapServers())) {
      ReplayPlan plan = planner.plan(request);
      // Events 10..19: 12, 15, 18 at offsets 4..6 of partition 0; 10, 13, 16, 19 at 3..6 of
      // partition 1; 11, 14, 17 at 3..5 of partition 2.
      assertThat(plan.total()).isEqualTo(10);
      assertThat(plan.ranges())
          .containsExactly(
              new PartitionRange(0, 4, 7),
              new PartitionRange(1, 3, 7),
              new PartitionRange(2, 3, 6));
      List<ReplayProgress> progress = new ArrayList<>();
      ReplayResult result =
          new Replayer(ReplayerConfig.defaults(infra.bootstrapServers()))
              .execute(plan, progress::add);
      Predicate<Event> inWindow = e -> !e.timestamp().isBefore(from) && e.timestamp().isBefore(to);
      assertCopied(kafka, into, events.stream().filter(inWindow).toList(), result);
      assertThat(progress)
          .last()
          .satisfies(
              p -> {
                assertThat(p.done()).isEqualTo(10);
                assertThat(p.total()).isEqualTo(10);
                assertThat(p.eta()).isZero();
              });
    }
  }

  @Test
  void partitionKeyAndTypeFiltersCopyOnlyTheirRecords(Infrastructure infra) throws Exception {
    KafkaFixtures kafka = new KafkaFixtures(infra.bootstrapServers());
    String topic = TestNames.topic("replay-filter");
    List<Event> events = source(kafka, topic, 30);
    ReplayRequest all = ReplayRequest.of(topic, new Position.AtOffset(0), "unset");

    String byPartition = TestNames.topic("replay-p");
    kafka.createTopic(byPartition, PARTITIONS);
    ReplayResult r1 =
        replay(infra, new ReplayRequest(topic, all.from(), null, 1, null, null, byPartition, 0));
    assertCopied(kafka, byPartition, events.stream().filter(e -> e.partition() == 1).toList(), r1);

    String byKey = TestNames.topic("replay-k");
    kafka.createTopic(byKey, PARTITIONS);
    ReplayResult r2 =
        replay(infra, new ReplayRequest(topic, all.from(), null, null, "user-3", null, byKey, 0));
    assertCopied(kafka, byKey, events.stream().filter(e -> e.key().equals("user-3")).toList(), r2);

    String byType = TestNames.topic("replay-t");
    kafka.createTopic(byType, PARTITIONS);
    ReplayResult r3 =
        replay(infra, new ReplayRequest(topic, all.from(), null, null, null, "b", byType, 0));
    assertCopied(kafka, byType, events.stream().filter(e -> e.type().equals("b")).toList(), r3);
    assertThat(r3.scanned()).isEqualTo(30);
  }

  @Test
  void rateLimitHoldsOnSimulatedTime(Infrastructure infra) throws Exception {
    KafkaFixtures kafka = new KafkaFixtures(infra.bootstrapServers());
    String topic = TestNames.topic("replay-rate-sim");
    String into = TestNames.topic("replay-rate-sim-dst");
    source(kafka, topic, 300);
    kafka.createTopic(into, PARTITIONS);
    FakeClock clock = new FakeClock(Instant.parse("2025-01-01T00:00:00Z"));
    ReplayerConfig config =
        ReplayerConfig.defaults(infra.bootstrapServers())
            .withClock(clock)
            .withSleeper(clock::advance);
    ReplayRequest request = ReplayRequest.of(topic, new Position.AtOffset(0), into).withRate(50);
    try (ReplayPlanner planner = ReplayPlanner.connect(infra.bootstrapServers())) {
      List<ReplayProgress> progress = new ArrayList<>();
      ReplayResult result = new Replayer(config).execute(planner.plan(request), progress::add);
      // 300 records at 50/s with a 5-record burst: 295 paid for = 5.9 s of simulated time
      double ratio = result.copyRate() / 50;
      log.info(
          "simulated: {} records in {} -> {} rec/s",
          result.copied(),
          result.elapsed(),
          result.copyRate());
      assertThat(result.copied()).isEqualTo(300);
      assertThat(ratio).isBetween(0.95, 1.05);
      // Progress came every simulated second, with a rate and an ETA.
      assertThat(progress.size()).isBetween(5, 8);
      assertThat(progress.get(1).eta()).isPositive();
    }
  }

  @Test
  void rateLimitHoldsOnRealTime(Infrastructure infra) throws Exception {
    KafkaFixtures kafka = new KafkaFixtures(infra.bootstrapServers());
    String topic = TestNames.topic("replay-rate");
    String into = TestNames.topic("replay-rate-dst");
    source(kafka, topic, 250);
    kafka.createTopic(into, PARTITIONS);
    ReplayRequest request = ReplayRequest.of(topic, new Position.AtOffset(0), into).withRate(100);
    long start = System.nanoTime();
    ReplayResult result = replay(infra, request);
    double seconds = (System.nanoTime() - start) / 1e9;
    double ratio = result.copied() / seconds / 100;
    log.info(
        "real time: {} records in {} s -> {} of the 100/s limit", result.copied(), seconds, ratio);
    // A slow machine can only make the ratio smaller; the limit must hold from above.
    // 250 records with a 10-record burst need at least 2.4 s: the ratio cannot pass 250/240.
    assertThat(result.copied()).isEqualTo(250);
    assertThat(ratio).isLessThanOrEqualTo(1.05);
  }

  @Test
  void groupResetRefusesWhileMembersExistAndWorksOnceTheGroupIsEmpty(Infrastructure infra)
      throws Exception {
    KafkaFixtures kafka = new KafkaFixtures(infra.bootstrapServers());
    String topic = TestNames.topic("replay-reset");
    source(kafka, topic, 30);
    String group = TestNames.group("replay-reset");
    Instant time = base.plusSeconds(15); // event 15: offset 5 of partition 0
    try (GroupOffsetReset reset = GroupOffsetReset.connect(infra.bootstrapServers())) {
      try (var consumer = kafka.joinedConsumer(group, topic, PARTITIONS)) {
        KafkaFixtures.commit(consumer, topic, 10, 10, 10);
        assertThatThrownBy(() -> reset.execute(group, time))
            .isInstanceOf(ActiveGroupException.class)
            .hasMessageContaining("group " + group + " has 1 active member")
            .hasMessageContaining(group + "-client on ")
            .hasMessageContaining("stop them");
        assertThat(kafka.committed(group)).containsEntry(0, 10L);
      }
      ResetPlan done = reset.execute(group, time);
      // Events 15..29 are at or after the time: offsets 5, 5, 5 (15, 16, 17 are 5th in each).
      assertThat(done.changes()).extracting(OffsetChange::target).containsExactly(5L, 5L, 5L);
      assertThat(kafka.committed(group)).isEqualTo(Map.of(0, 5L, 1, 5L, 2, 5L));
      assertThat(ReplayReport.reset(done))
          .contains("the group has no members")
          .containsPattern("TOTAL\\s+15");
    }
  }
}
