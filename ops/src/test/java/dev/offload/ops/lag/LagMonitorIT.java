package dev.offload.ops.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.ops.KafkaFixtures;
import dev.offload.ops.KafkaFixtures.Event;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@ExtendWith(SharedInfrastructure.class)
class LagMonitorIT {
  private static final Logger log = LoggerFactory.getLogger(LagMonitorIT.class);
  private static final int N = 20;
  private static final long[] M = {5, 12};

  // Record i of each partition is stamped BASE + i seconds: one hour old, one second apart.
  private final Instant base =
      Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);

  private String backlog(KafkaFixtures kafka) throws Exception {
    String topic = TestNames.topic("lag");
    kafka.createTopic(topic, 2);
    List<Event> events = new ArrayList<>();
    for (int p = 0; p < 2; p++) {
      for (int i = 0; i < N; i++) {
        events.add(Event.of(p, "k" + i, base.plusSeconds(i), "lag-test"));
      }
    }
    kafka.publish(topic, events);
    return topic;
  }

  // The backlogs here are an hour old: an objective of a day keeps these tests on the rules for
  // groups within their objective (STOP, STALL); ObjectiveIT covers the objective itself.
  private static LagMonitorConfigBuilder config(Infrastructure infra, String group) {
    return LagMonitorConfig.builder(infra.bootstrapServers())
        .groups(Set.of(group))
        .windowSize(3)
        .objectives(LagObjectives.everyGroup(Duration.ofDays(1)));
  }

  @Test
  void stoppedGroupLagsNMinusMRecordsAndTheAgeOfItsOldestUnconsumedRecord(Infrastructure infra)
      throws Exception {
    KafkaFixtures kafka = new KafkaFixtures(infra.bootstrapServers());
    String topic = backlog(kafka);
    String group = TestNames.group("lag-stopped");
    try (var consumer = kafka.joinedConsumer(group, topic, 2)) {
      KafkaFixtures.commit(consumer, topic, M);
    }
    try (LagMonitor monitor = LagMonitor.create(config(infra, group).build())) {
      GroupLag lag = awaitStatus(monitor, group, LagStatus.STOP);
      assertThat(lag.members()).isEmpty();
      for (int p = 0; p < 2; p++) {
        PartitionLag partition = lag.partition(topic, p).orElseThrow();
        Instant oldestUnconsumed = base.plusSeconds(M[p]);
        double knownAge = Duration.between(oldestUnconsumed, Instant.now()).toMillis() / 1000.0;
        log.info(
            "partition {}: lag {} records, {} s (known age {} s)",
            p,
            partition.lagRecords(),
            partition.lagSeconds(),
            knownAge);
        assertThat(partition.committed()).isEqualTo(M[p]);
        assertThat(partition.logEnd()).isEqualTo(N);
        assertThat(partition.lagRecords()).isEqualTo(N - M[p]);
        assertThat(partition.secondsSource()).isEqualTo(LagSecondsSource.EXACT);
        // Exact: the timestamp of record M[p] against the sample's own time, to the millisecond.
        double atSample =
            Duration.between(oldestUnconsumed, monitor.snapshot().takenAt()).toNanos() / 1e9;
        assertThat(partition.lagSeconds()).isCloseTo(atSample, within(0.001));
        // Against the wall clock now: the sample was taken a moment before this line; ± 5 s
        // covers that moment on a slow, shared machine.
        assertThat(partition.lagSeconds()).isCloseTo(knownAge, within(5.0));
        assertThat(partition.status()).isEqualTo(LagStatus.STOP);
      }
      assertThat(lag.maxLagRecords()).isEqualTo(N - M[0]);
    }
  }

  @Test
  void memberThatStopsCommittingIsStallAndStopOnceItLeaves(Infrastructure infra) throws Exception {
    KafkaFixtures kafka = new KafkaFixtures(infra.bootstrapServers());
    String topic = backlog(kafka);
    String group = TestNames.group("lag-stall");
    try (LagMonitor monitor = LagMonitor.create(config(infra, group).build())) {
      try (var consumer = kafka.joinedConsumer(group, topic, 2)) {
        KafkaFixtures.commit(consumer, topic, M);
        // The consumer stays in the group (its heartbeat thread runs) but commits nothing more.
        GroupLag stalled = awaitStatus(monitor, group, LagStatus.STALL);
        assertThat(stalled.members())
            .extracting(m -> m.clientId())
            .containsExactly(group + "-client");
        assertThat(stalled.partitions())
            .allSatisfy(
                p -> {
                  assertThat(p.status()).isEqualTo(LagStatus.STALL);
                  assertThat(p.owner()).startsWith(group + "-client on ");
                })
            .extracting(PartitionLag::lagRecords)
            .containsExactly(N - M[0], N - M[1]);
      }
      GroupLag stopped = awaitStatus(monitor, group, LagStatus.STOP);
      assertThat(stopped.partitions()).allSatisfy(p -> assertThat(p.owner()).isNull());
    }
  }

  @Test
  void committedOffsetBeyondTheLogEndIsErr(Infrastructure infra) throws Exception {
    KafkaFixtures kafka = new KafkaFixtures(infra.bootstrapServers());
    String topic = backlog(kafka);
    String group = TestNames.group("lag-err");
    try (Admin admin = kafka.admin()) {
      admin
          .alterConsumerGroupOffsets(
              group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(1_000)))
          .all()
          .get();
    }
    try (LagMonitor monitor = LagMonitor.create(config(infra, group).build())) {
      GroupLag lag = awaitStatus(monitor, group, LagStatus.ERR);
      PartitionLag p0 = lag.partition(topic, 0).orElseThrow();
      assertThat(p0.status()).isEqualTo(LagStatus.ERR);
      assertThat(p0.error()).isEqualTo("committed offset 1000 is beyond the log end " + N);
    }
  }

  @Test
  void gaugesCarryGroupTopicPartitionAndVanishWithThePartition(Infrastructure infra)
      throws Exception {
    KafkaFixtures kafka = new KafkaFixtures(infra.bootstrapServers());
    String topic = backlog(kafka);
    String group = TestNames.group("lag-gauges");
    try (var consumer = kafka.joinedConsumer(group, topic, 2)) {
      KafkaFixtures.commit(consumer, topic, M);
    }
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    LagMonitorConfig config = config(infra, group).interval(Duration.ofMillis(200)).build();
    try (LagMonitor monitor = LagMonitor.create(config, registry)) {
      monitor.start();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> gauge(registry, LagMonitor.LAG_RECORDS, group, topic, "1"), v -> v == N - M[1]);
      assertThat(gauge(registry, LagMonitor.LAG_RECORDS, group, topic, "0")).isEqualTo(N - M[0]);
      assertThat(gauge(registry, LagMonitor.LAG_SECONDS, group, topic, "0")).isGreaterThan(3000);
      assertThat(gauge(registry, LagMonitor.LAG_STATUS, group, topic, "0"))
          .isEqualTo(LagStatus.STOP.code());
      assertThat(registry.get(LagMonitor.GROUP_MAX_LAG_RECORDS).tag("group", group).gauge().value())
          .isEqualTo(N - M[0]);
      assertThat(registry.get(LagMonitor.GROUP_STATUS).tag("group", group).gauge().value())
          .isEqualTo(LagStatus.STOP.code());
      assertThat(registry.get(LagMonitor.GROUP_MAX_LAG_SECONDS).tag("group", group).gauge().value())
          .isGreaterThan(3000);

      try (Admin admin = kafka.admin()) {
        admin.deleteConsumerGroupOffsets(group, Set.of(new TopicPartition(topic, 1))).all().get();
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  registry
                      .find(LagMonitor.LAG_RECORDS)
                      .tag("partition", "1")
                      .tag("group", group)
                      .gauges()
                      .isEmpty());
      assertThat(gauge(registry, LagMonitor.LAG_RECORDS, group, topic, "0")).isEqualTo(N - M[0]);
    }
    assertThat(registry.find(LagMonitor.LAG_RECORDS).tag("group", group).gauges()).isEmpty();
  }

  @Test
  void withoutExactReadsTheAgeIsInterpolatedBetweenSamples(Infrastructure infra) throws Exception {
    KafkaFixtures kafka = new KafkaFixtures(infra.bootstrapServers());
    String topic = TestNames.topic("lag-interp");
    kafka.createTopic(topic, 1);
    String group = TestNames.group("lag-interp");
    try (var consumer = kafka.joinedConsumer(group, topic, 1)) {
      KafkaFixtures.commit(consumer, topic, 0);
    }
    try (LagMonitor monitor = LagMonitor.create(config(infra, group).exactReads(false).build())) {
      Instant before = monitor.sampleOnce().takenAt(); // log end 0: the first (offset, time) pair
      List<Event> events = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        events.add(Event.of(0, "k", Instant.now(), "lag-test"));
      }
      kafka.publish(topic, events);
      LagSnapshot after = monitor.sampleOnce();
      PartitionLag p0 = after.group(group).orElseThrow().partition(topic, 0).orElseThrow();
      double between = Duration.between(before, after.takenAt()).toNanos() / 1e9;
      log.info("interpolated lag {} s; samples {} s apart", p0.lagSeconds(), between);
      assertThat(p0.lagRecords()).isEqualTo(10);
      assertThat(p0.secondsSource()).isEqualTo(LagSecondsSource.INTERPOLATED);
      // The records were written between the two samples, so their age is at most the gap.
      assertThat(p0.lagSeconds()).isBetween(0.0, between);
    }
  }

  private static GroupLag awaitStatus(LagMonitor monitor, String group, LagStatus status) {
    GroupLag[] last = new GroupLag[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              last[0] = monitor.sampleOnce().group(group).orElseThrow();
              return last[0].status() == status;
            });
    return last[0];
  }

  private static double gauge(
      SimpleMeterRegistry registry, String name, String group, String topic, String partition) {
    Gauge g =
        registry
            .find(name)
            .tag("group", group)
            .tag("topic", topic)
            .tag("partition", partition)
            .gauge();
    return g == null ? Double.NaN : g.value();
  }
}
