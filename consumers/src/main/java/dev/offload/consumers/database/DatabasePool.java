package dev.offload.consumers.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;

/**
 * The pooled {@link javax.sql.DataSource} of a worker role's database (processed-event marks, the
 * page-view rollup): HikariCP, so no event pays for a connection, an authentication and a
 * PostgreSQL backend of its own. Its meters ({@code hikaricp.connections.*}, tagged {@code pool})
 * go to the role's registry.
 *
 * <p>Size it to the batches and blocking handler threads that run at once: a handler that finds
 * every connection taken waits up to {@link #CONNECTION_TIMEOUT} for one, holding its records in
 * flight, so the worker pauses its partitions rather than failing them.
 */
public final class DatabasePool {
  /** How long a handler waits for a free connection before its attempt fails as retryable. */
  public static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(30);

  private DatabasePool() {}

  /**
   * A pool of {@code size} connections to {@code jdbcUrl} as {@code user}, named {@code name} (its
   * meters' {@code pool} tag and its threads' names), metered in {@code registry} unless null.
   */
  public static HikariDataSource open(
      String jdbcUrl, String user, String password, int size, String name, MeterRegistry registry) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    if (size < 1) {
      throw new IllegalArgumentException("database pool size must be at least 1, was " + size);
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password == null ? "" : password);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(Math.min(2, size));
    config.setPoolName(name);
    config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
    if (registry != null) {
      config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
    }
    return new HikariDataSource(config);
  }
}
