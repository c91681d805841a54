package dev.offload.ops.lag;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class OffsetHistoryTest {
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  @Test
  void interpolatesBetweenTheSamplesAroundTheOffset() {
    OffsetHistory h = new OffsetHistory(10);
    h.record(100, T0);
    h.record(100, T0.plusSeconds(10)); // log end still 100 ten seconds later
    h.record(200, T0.plusSeconds(20));
    // offsets 100..199 were appended between T0+10s and T0+20s; offset 149 is half way
    assertThat(h.appendTime(149)).contains(T0.plusSeconds(15));
    assertThat(h.appendTime(199)).contains(T0.plusSeconds(20));
  }

  @Test
  void extrapolatesBeforeTheOldestSampleAtTheSampledRate() {
    OffsetHistory h = new OffsetHistory(10);
    h.record(100, T0);
    h.record(200, T0.plusSeconds(10)); // 10 records per second
    assertThat(h.appendTime(50)).contains(T0.minusSeconds(5));
  }

  @Test
  void cannotTellWithOneLogEndOrForUnwrittenOffsets() {
    OffsetHistory h = new OffsetHistory(10);
    h.record(100, T0);
    h.record(100, T0.plusSeconds(5));
    assertThat(h.appendTime(50)).isEmpty();
    assertThat(h.appendTime(100)).isEmpty();
  }

  @Test
  void forgetsEverythingWhenTheLogShrinksAndKeepsOnlyItsCapacity() {
    OffsetHistory h = new OffsetHistory(2);
    h.record(100, T0);
    h.record(200, T0.plusSeconds(10));
    h.record(300, T0.plusSeconds(20));
    // 100 dropped: offset 150 is extrapolated from (200, 10s) and (300, 20s)
    assertThat(h.appendTime(150)).contains(T0.plusSeconds(5));
    h.record(5, T0.plusSeconds(30));
    assertThat(h.appendTime(150)).isEmpty();
  }
}
