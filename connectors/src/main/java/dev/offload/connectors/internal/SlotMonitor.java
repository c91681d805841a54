package dev.offload.connectors.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the connector's replication slot in PostgreSQL: how much WAL it holds back (PostgreSQL
 * keeps every segment from the slot's restart position on, so a connector that stops acknowledging
 * fills the server's disk), and whether the slot is still usable (a dropped slot, or one PostgreSQL
 * invalidated for exceeding {@code max_slot_wal_keep_size}, has lost the events committed since).
 *
 * <p>Gauges, tagged {@code connector} and {@code slot}: {@value #RETAINED} (bytes from the slot's
 * restart position to the current WAL position; NaN until the first read or while the slot is
 * missing) and {@value #USABLE} (1 while the slot exists and its WAL is not lost, else 0). Read
 * with one short connection every {@link #INTERVAL}. {@link SlotCheck} refuses to (re)start capture
 * on a slot in that state.
 */
public final class SlotMonitor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SlotMonitor.class);

  /** WAL held back by the slot, in bytes. */
  public static final String RETAINED = "offload.connector.slot.retained.bytes";

  /** 1 while the slot exists and its WAL is not lost, else 0. */
  public static final String USABLE = "offload.connector.slot.usable";

  /** How often the slot is read. */
  public static final Duration INTERVAL = Duration.ofSeconds(15);

  private static final String QUERY =
      "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn), wal_status"
          + " FROM pg_replication_slots WHERE slot_name = ?";

  private final String jdbcUrl;
  private final String user;
  private final String password;
  private final String slot;
  private final ScheduledExecutorService timer;
  private volatile double retained = Double.NaN;
  private volatile double usable = Double.NaN;

  private SlotMonitor(String jdbcUrl, String user, String password, String slot) {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
    this.slot = slot;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "offload-slot-monitor");
              t.setDaemon(true);
              return t;
            });
  }

  /** Registers the gauges and reads the slot now and every {@code interval}. */
  public static SlotMonitor start(
      String jdbcUrl,
      String user,
      String password,
      String slot,
      String connector,
      MeterRegistry registry,
      Duration interval) {
    SlotMonitor monitor = new SlotMonitor(jdbcUrl, user, password, slot);
    Gauge.builder(RETAINED, monitor, m -> m.retained)
        .description("WAL the connector's replication slot holds back in PostgreSQL")
        .tag("connector", connector)
        .tag("slot", slot)
        .strongReference(true)
        .register(registry);
    Gauge.builder(USABLE, monitor, m -> m.usable)
        .description("1 while the connector's replication slot exists and its WAL is not lost")
        .tag("connector", connector)
        .tag("slot", slot)
        .strongReference(true)
        .register(registry);
    monitor.timer.scheduleWithFixedDelay(
        monitor::readQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return monitor;
  }

  /** Reads the slot once; for tests and the first read. */
  void read() throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl, user, password);
        PreparedStatement s = c.prepareStatement(QUERY)) {
      s.setString(1, slot);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          retained = Double.NaN;
          usable = 0;
          return;
        }
        double bytes = rs.getDouble(1);
        retained = rs.wasNull() ? Double.NaN : bytes;
        usable = "lost".equals(rs.getString(2)) ? 0 : 1;
      }
    }
  }

  private void readQuietly() {
    try {
      read();
    } catch (SQLException e) {
      // The database being away is the connector's own concern (and its running gauge's); the last
      // reading stays.
      log.debug("Could not read replication slot {}: {}", slot, e.toString());
    }
  }

  /** WAL the slot holds back, in bytes, as last read. */
  public double retainedBytes() {
    return retained;
  }

  /** 1 while the slot exists and its WAL is not lost, 0 otherwise, as last read. */
  public double usable() {
    return usable;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
