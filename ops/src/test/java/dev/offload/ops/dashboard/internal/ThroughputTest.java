package dev.offload.ops.dashboard.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.offload.ops.lag.GroupLag;
import dev.offload.ops.lag.LagObjectives;
import dev.offload.ops.lag.LagSecondsSource;
import dev.offload.ops.lag.LagSnapshot;
import dev.offload.ops.lag.LagStatus;
import dev.offload.ops.lag.PartitionLag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThroughputTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void inIsTheGrowthOfTheLogEndsAndOutTheGrowthOfEachGroupsCommits() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Throughput throughput = new Throughput(registry);
    // Two groups read the same two partitions: each log end counts once, each group's commits
    // count for that group.
    assertThat(throughput.update(snapshot(T0, 100, 200, 50, 80, 10, 10))).isEmpty();
    Map<String, Throughput.TopicRate> rates =
        throughput.update(snapshot(T0.plusSeconds(10), 150, 250, 70, 100, 10, 60));

    Throughput.TopicRate t = rates.get("orders");
    assertThat(t.in()).isCloseTo((150 + 250 - 100 - 200) / 10.0, within(1e-9));
    assertThat(t.out()).containsEntry("fast", (70 + 100 - 50 - 80) / 10.0);
    assertThat(t.out()).containsEntry("slow", 5.0);
    assertThat(registry.get(Throughput.PRODUCED).tag("topic", "orders").functionCounter().count())
        .isEqualTo(400);
    assertThat(
            registry
                .get(Throughput.CONSUMED)
                .tags("group", "slow", "topic", "orders")
                .functionCounter()
                .count())
        .isEqualTo(70);
  }

  @Test
  void aFallingTotalIsNoThroughputAndVanishedTopicsLoseTheirCounters() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Throughput throughput = new Throughput(registry);
    throughput.update(snapshot(T0, 100, 100, 100, 100, 100, 100));
    // The topic was recreated and the groups' offsets reset.
    Map<String, Throughput.TopicRate> rates =
        throughput.update(snapshot(T0.plus(Duration.ofSeconds(5)), 1, 1, 0, 0, 0, 0));
    assertThat(rates.get("orders").in()).isZero();
    assertThat(rates.get("orders").out()).containsEntry("fast", 0.0);

    throughput.update(new LagSnapshot(T0.plusSeconds(10), List.of()));
    assertThat(registry.find(Throughput.PRODUCED).meters()).isEmpty();
    assertThat(registry.find(Throughput.CONSUMED).meters()).isEmpty();
  }

  @Test
  void historyKeepsOnlyItsLength() {
    LagHistory history = new LagHistory(Duration.ofSeconds(30));
    for (int i = 0; i <= 60; i += 10) {
      history.add(snapshot(T0.plusSeconds(i), 10, 10, 5, 5, 5, 5), Map.of());
    }
    assertThat(history.frames())
        .extracting(LagHistory.Frame::at)
        .containsExactly(
            T0.plusSeconds(30), T0.plusSeconds(40), T0.plusSeconds(50), T0.plusSeconds(60));
    LagHistory.GroupPoint fast = history.frames().get(0).groups().get("fast");
    assertThat(fast.records()).isEqualTo(10);
    assertThat(fast.status()).isEqualTo(LagStatus.OK);
  }

  /** Topic orders, two partitions with log ends e0, e1; group fast at f0, f1; slow at s0, s1. */
  private static LagSnapshot snapshot(
      Instant at, long e0, long e1, long f0, long f1, long s0, long s1) {
    return new LagSnapshot(
        at, List.of(group("fast", e0, e1, f0, f1), group("slow", e0, e1, s0, s1)));
  }

  private static GroupLag group(String name, long e0, long e1, long c0, long c1) {
    return new GroupLag(
        name,
        "EMPTY",
        List.of(),
        LagStatus.OK,
        LagObjectives.DEFAULT,
        List.of(partition(0, c0, e0), partition(1, c1, e1)),
        null);
  }

  private static PartitionLag partition(int p, long committed, long end) {
    return new PartitionLag(
        "orders",
        p,
        committed,
        end,
        Math.max(0, end - committed),
        0,
        LagSecondsSource.NONE,
        Double.NaN,
        LagStatus.OK,
        null,
        null);
  }
}
