package dev.offload.bench.internal.pipeline;

import dev.offload.producers.ProducerApps;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The producer apps a benchmark run publishes as, registered in the API's database for the run and
 * revoked after it. The API limits each app's rate (1,000 events/s by default); the load is spread
 * over enough apps that the limit is not what is measured.
 */
public final class BenchApps {
  /** Events per second each app is given at most. */
  public static final int RATE_PER_APP = 500;

  private final String jdbcUrl;
  private final String user;
  private final List<String> names = new ArrayList<>();
  private final List<String> keys = new ArrayList<>();

  private BenchApps(String jdbcUrl, String user) {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
  }

  /**
   * Registers enough apps {@code bench-<run>-<n>} for {@code maxRate}, allowed every event type.
   *
   * @return the apps; {@link #keys()} are their API keys
   */
  public static BenchApps register(String jdbcUrl, String user, String run, int maxRate)
      throws SQLException {
    BenchApps apps = new BenchApps(jdbcUrl, user);
    int n = Math.max(1, (maxRate + RATE_PER_APP - 1) / RATE_PER_APP);
    try (Connection c = DriverManager.getConnection(jdbcUrl, user, "")) {
      ProducerApps registry = new ProducerApps(c);
      for (int i = 1; i <= n; i++) {
        String name = "bench-" + run + "-" + i;
        apps.keys.add(registry.create(name, Set.of(ProducerApps.ANY_TYPE)).key());
        apps.names.add(name);
      }
    }
    return apps;
  }

  /** The API keys, one per app. */
  public List<String> keys() {
    return List.copyOf(keys);
  }

  /** Revokes every app of the run. */
  public void revoke() throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl, user, "")) {
      ProducerApps registry = new ProducerApps(c);
      for (String name : names) {
        registry.revoke(name);
      }
    }
  }
}
