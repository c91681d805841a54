package dev.offload.consumers.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.consumers.testing.Databases;
import dev.offload.consumers.testing.MutableClock;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Marks older than the retention are purged, newer ones and other groups' stay. */
@ExtendWith(SharedInfrastructure.class)
class DedupRetentionIT {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @Test
  void marksOlderThanTheRetentionGoAndNewerStay(Infrastructure infra) throws Exception {
    DataSource db = Databases.fresh(infra, "retention");
    MutableClock clock = new MutableClock(T0);
    ProcessedEventStore store = ProcessedEventStore.open(db, "group-a", clock);
    ProcessedEventStore other = ProcessedEventStore.open(db, "group-b", clock);
    store.runOnceEach(List.of("old-1", "old-2", "old-3"), (c, ids) -> {});
    other.runOnceEach(List.of("other-old"), (c, ids) -> {});
    clock.advance(Duration.ofDays(6));
    store.runOnceEach(List.of("new-1", "new-2"), (c, ids) -> {});
    clock.advance(Duration.ofDays(2));

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (DedupRetention retention =
        DedupRetention.start(
            List.of(store), Duration.ofDays(7), Duration.ofDays(1), meters, clock)) {
      // The first purge runs at start on the retention's thread; this second one is ours.
      retention.runNow();
    }

    assertThat(List.of("old-1", "old-2", "old-3"))
        .allSatisfy(id -> assertThat(store.isProcessed(id)).as(id).isFalse());
    assertThat(store.isProcessed("new-1")).isTrue();
    assertThat(store.isProcessed("new-2")).isTrue();
    assertThat(other.isProcessed("other-old")).as("another group's marks").isTrue();
    assertThat(store.count()).isEqualTo(2);
    assertThat(meters.get(DedupRetention.MARKS).tag("group", "group-a").gauge().value())
        .isEqualTo(2);
    assertThat(meters.get(DedupRetention.PURGED).tag("group", "group-a").counter().count())
        .isEqualTo(3);
  }
}
