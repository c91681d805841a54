package dev.offload.ops.dashboard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConnectorMetersTest {
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicLong retained = new AtomicLong();
  private final AtomicLong usable = new AtomicLong(1);

  ConnectorMetersTest() {
    Gauge.builder(ConnectorMeters.RUNNING, () -> 1).tag("connector", "c").register(registry);
  }

  private void registerSlot() {
    Gauge.builder(ConnectorMeters.SLOT_RETAINED, retained, AtomicLong::get)
        .tag("connector", "c")
        .tag("slot", "s")
        .register(registry);
    Gauge.builder(ConnectorMeters.SLOT_USABLE, usable, AtomicLong::get)
        .tag("connector", "c")
        .tag("slot", "s")
        .register(registry);
  }

  @Test
  void aConnectorWhoseSlotWasNotReadYetHasNoWarning() {
    ConnectorMeters.Connector c = ConnectorMeters.read(registry).get(0);
    assertThat(c.slotRetainedBytes()).isEqualTo(-1);
    assertThat(c.slotWarning()).isNull();
  }

  @Test
  void aSlotBelowTheThresholdShowsItsBytesWithoutAWarning() {
    registerSlot();
    retained.set(512L * 1024 * 1024);
    ConnectorMeters.Connector c = ConnectorMeters.read(registry).get(0);
    assertThat(c.slotRetainedBytes()).isEqualTo(512.0 * 1024 * 1024);
    assertThat(c.slotWarning()).isNull();
  }

  @Test
  void aSlotHoldingBackMoreThanTheThresholdIsWarnedOf() {
    registerSlot();
    retained.set(3L * 1024 * 1024 * 1024);
    assertThat(ConnectorMeters.read(registry).get(0).slotWarning())
        .isEqualTo("slot s holds back 3.0 GiB of WAL: PostgreSQL's disk fills while capture lags");
  }

  @Test
  void aSlotGoneOrInvalidatedIsWarnedOfWhateverItHeld() {
    registerSlot();
    usable.set(0);
    assertThat(ConnectorMeters.read(registry).get(0).slotWarning())
        .isEqualTo("slot s is gone or invalidated: events committed now are not captured");
  }
}
