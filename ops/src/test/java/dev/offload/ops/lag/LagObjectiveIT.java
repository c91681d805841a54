package dev.offload.ops.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.ops.KafkaFixtures;
import dev.offload.ops.KafkaFixtures.Event;
import dev.offload.ops.lag.TimeToDrain.Drain;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The lag objective and the time to drain against a real broker and a real consumer group. */
@ExtendWith(SharedInfrastructure.class)
class LagObjectiveIT {
  private static final Logger log = LoggerFactory.getLogger(LagObjectiveIT.class);
  private static final int WINDOW = 3;
  private static final long HELD_AT = 2;

  private static LagMonitorConfig config(Infrastructure infra, String group) {
    return LagMonitorConfig.builder(infra.bootstrapServers())
        .groups(Set.of(group))
        .windowSize(WINDOW)
        .build();
  }

  /** {@code count} records stamped {@code age} ago, on partition 0. */
  private static List<Event> stamped(int count, Duration age) {
    Instant at = Instant.now().minus(age).truncatedTo(ChronoUnit.MILLIS);
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(Event.of(0, "k" + i, at, "lag-objective-test"));
    }
    return events;
  }

  @Test
  void groupHeldBehindTheObjectiveIsWarnThenErrWhileItGrowsAndOkOnceCaughtUp(Infrastructure infra)
      throws Exception {
    KafkaFixtures kafka = new KafkaFixtures(infra.bootstrapServers());
    String topic = TestNames.topic("lag-objective");
    String group = TestNames.group("lag-objective");
    kafka.createTopic(topic, 1);
    Duration objective = LagObjectives.DEFAULT;
    Duration age = objective.plusSeconds(30);
    kafka.publish(topic, stamped(10, age));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (KafkaConsumer<String, String> consumer = kafka.joinedConsumer(group, topic, 1);
        LagMonitor monitor = LagMonitor.create(config(infra, group), registry)) {
      KafkaFixtures.commit(consumer, topic, HELD_AT);

      // A member owns the partition, so it is not STOP; one sample cannot show growth.
      GroupLag warn = awaitStatus(monitor, group, LagStatus.WARN);
      PartitionLag held = warn.partition(topic, 0).orElseThrow();
      log.info("held: {} records, {} s behind", held.lagRecords(), held.lagSeconds());
      assertThat(warn.objective()).isEqualTo(objective);
      assertThat(held.secondsSource()).isEqualTo(LagSecondsSource.EXACT);
      assertThat(held.lagSeconds()).isGreaterThan(objective.toSeconds());
      assertThat(held.lagRecords()).isEqualTo(10 - HELD_AT);

      // Still held, with more (old) records arriving: the window fills with a growing lag.
      List<GroupLag> growing = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                kafka.publish(topic, stamped(5, age));
                growing.add(monitor.sampleOnce().group(group).orElseThrow());
                return growing.get(growing.size() - 1).status() == LagStatus.ERR;
              });
      assertThat(growing).extracting(GroupLag::status).containsOnly(LagStatus.WARN, LagStatus.ERR);
      GroupLag err = growing.get(growing.size() - 1);
      assertThat(err.error()).isNull();
      assertThat(err.partition(topic, 0).orElseThrow().status()).isEqualTo(LagStatus.ERR);
      assertThat(err.drain()).isEqualTo(Drain.NEVER);
      assertThat(err.timeToDrainSeconds()).isInfinite();
      assertThat(groupGauge(registry, LagMonitor.GROUP_STATUS, group))
          .isEqualTo(LagStatus.ERR.code());
      assertThat(groupGauge(registry, LagMonitor.GROUP_TIME_TO_DRAIN, group)).isInfinite();
      assertThat(groupGauge(registry, LagMonitor.GROUP_OBJECTIVE, group))
          .isEqualTo(objective.toSeconds());

      long end = catchUp(consumer, topic);
      GroupLag ok = awaitStatus(monitor, group, LagStatus.OK);
      PartitionLag drained = ok.partition(topic, 0).orElseThrow();
      assertThat(drained.committed()).isEqualTo(end);
      assertThat(drained.lagRecords()).isZero();
      assertThat(drained.lagSeconds()).isZero();
      assertThat(ok.drain()).isEqualTo(Drain.DRAINED);
      assertThat(groupGauge(registry, LagMonitor.GROUP_STATUS, group))
          .isEqualTo(LagStatus.OK.code());
      assertThat(groupGauge(registry, LagMonitor.GROUP_TIME_TO_DRAIN, group)).isZero();
    }
  }

  @Test
  void aGroupCatchingUpDrainsAtTheRateItsCommitsMove(Infrastructure infra) throws Exception {
    KafkaFixtures kafka = new KafkaFixtures(infra.bootstrapServers());
    String topic = TestNames.topic("lag-drain");
    String group = TestNames.group("lag-drain");
    kafka.createTopic(topic, 1);
    kafka.publish(topic, stamped(100, Duration.ZERO));
    try (KafkaConsumer<String, String> consumer = kafka.joinedConsumer(group, topic, 1);
        LagMonitor monitor = LagMonitor.create(config(infra, group))) {
      KafkaFixtures.commit(consumer, topic, 0);
      LagSnapshot before = monitor.sampleOnce();
      assertThat(before.group(group).orElseThrow().drain()).isEqualTo(Drain.UNKNOWN);
      KafkaFixtures.commit(consumer, topic, 60);
      LagSnapshot after = monitor.sampleOnce();
      GroupLag lag = after.group(group).orElseThrow();
      // 60 records consumed, none produced, between the samples: 40 left at that rate.
      double between = Duration.between(before.takenAt(), after.takenAt()).toNanos() / 1e9;
      log.info("time to drain {} s; samples {} s apart", lag.timeToDrainSeconds(), between);
      assertThat(lag.drain()).isEqualTo(Drain.DRAINING);
      assertThat(lag.timeToDrainSeconds()).isCloseTo(between * 40 / 60, within(1e-6));
    }
  }

  /** Consumes the partition to its end and commits there; returns the end offset. */
  private static long catchUp(KafkaConsumer<String, String> consumer, String topic) {
    TopicPartition tp = new TopicPartition(topic, 0);
    long end = consumer.endOffsets(List.of(tp)).get(tp);
    consumer.seek(tp, HELD_AT);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInSameThread()
        .until(
            () -> {
              consumer.poll(Duration.ofMillis(100));
              return consumer.position(tp) >= end;
            });
    consumer.commitSync(Map.of(tp, new OffsetAndMetadata(consumer.position(tp))));
    return consumer.position(tp);
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

  private static double groupGauge(SimpleMeterRegistry registry, String name, String group) {
    return registry.get(name).tag("group", group).gauge().value();
  }
}
