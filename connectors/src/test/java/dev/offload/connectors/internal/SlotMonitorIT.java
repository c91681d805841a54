package dev.offload.connectors.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * On the shared PostgreSQL: a slot nobody reads holds back the WAL written after it, and the
 * monitor's gauge grows with it; a dropped slot reads as not usable.
 */
@ExtendWith(SharedInfrastructure.class)
class SlotMonitorIT {

  @Test
  void retainedWalGrowsWhileTheSlotIsNotReadAndADroppedSlotIsNotUsable(Infrastructure infra)
      throws Exception {
    String url = infra.createDatabase(TestNames.group("slot").replace('-', '_'));
    String slot = "slot_" + Long.toHexString(System.nanoTime());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Connection c =
            DriverManager.getConnection(url, infra.postgresUser(), infra.postgresPassword());
        Statement s = c.createStatement()) {
      s.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
      try (SlotMonitor monitor =
          SlotMonitor.start(
              url,
              infra.postgresUser(),
              infra.postgresPassword(),
              slot,
              "test-connector",
              registry,
              Duration.ofHours(1))) {
        monitor.read();
        double before = monitor.retainedBytes();
        assertThat(monitor.usable()).isEqualTo(1);
        assertThat(before).isGreaterThanOrEqualTo(0);

        s.execute("CREATE TABLE filler (id int, pad text)");
        s.execute("INSERT INTO filler SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g");
        monitor.read();
        assertThat(monitor.retainedBytes())
            .as("WAL written since the slot was created, held back for it")
            .isGreaterThan(before + 1_000_000);
        assertThat(
                registry
                    .get(SlotMonitor.RETAINED)
                    .tag("slot", slot)
                    .tag("connector", "test-connector")
                    .gauge()
                    .value())
            .isEqualTo(monitor.retainedBytes());

        s.execute("SELECT pg_drop_replication_slot('" + slot + "')");
        monitor.read();
        assertThat(monitor.usable()).isZero();
        assertThat(registry.get(SlotMonitor.USABLE).gauge().value()).isZero();
      }
    }
  }
}
