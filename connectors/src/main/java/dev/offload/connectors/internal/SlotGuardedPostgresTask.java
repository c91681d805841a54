package dev.offload.connectors.internal;

import io.debezium.config.Configuration;
import io.debezium.connector.postgresql.PostgresConnectorConfig;
import io.debezium.connector.postgresql.PostgresConnectorTask;
import io.debezium.connector.postgresql.PostgresOffsetContext;
import io.debezium.connector.postgresql.PostgresPartition;
import io.debezium.connector.postgresql.PostgresSchema;
import io.debezium.connector.postgresql.connection.PostgresConnection;
import io.debezium.connector.postgresql.connection.ReplicationConnection;
import io.debezium.pipeline.ChangeEventSourceCoordinator;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Debezium's PostgreSQL task, made to check its replication slot before each (re)start and before
 * each replication stream it opens ({@link SlotCheck}).
 *
 * <p>Debezium restarts the task by itself after a retriable error, such as the slot's walsender
 * being terminated, and opening a stream on a missing slot makes a new one. Were the slot dropped
 * meanwhile, the new slot would start after the events committed in between. Debezium's own log
 * position check refuses a restart only once a position is stored, with an error that names neither
 * the slot nor a recovery that works for the outbox (its rows are deleted as they are written, so a
 * snapshot finds none), and it never checks a stream opened within a running task. These checks
 * stop the connector instead, saying what was lost and how to recover.
 */
public final class SlotGuardedPostgresTask extends PostgresConnectorTask {
  /** The embedded engine's offset file setting, which the task's configuration carries. */
  static final String OFFSET_FILE = "offset.storage.file.filename";

  private volatile Instant capturingSince;
  private volatile boolean started;
  private volatile Configuration config;

  @Override
  public ChangeEventSourceCoordinator<PostgresPartition, PostgresOffsetContext> start(
      Configuration config) {
    this.config = config;
    SlotCheck.requireSlotToResume(
        jdbcUrl(config),
        config.getString("database.user"),
        config.getString("database.password", ""),
        config.getString("slot.name"),
        offsetFile(config),
        started ? capturingSince : null);
    if (capturingSince == null) {
      capturingSince = Instant.now();
    }
    ChangeEventSourceCoordinator<PostgresPartition, PostgresOffsetContext> coordinator =
        super.start(config);
    started = true;
    return coordinator;
  }

  @Override
  protected ReplicationConnection buildReplicationConnection(
      PostgresConnection connection, PostgresSchema schema, PostgresConnectorConfig connectorConfig)
      throws SQLException {
    Configuration c = config;
    String url = jdbcUrl(c);
    String user = c.getString("database.user");
    String password = c.getString("database.password", "");
    String slot = c.getString("slot.name");
    Path offsetFile = offsetFile(c);
    return new SlotGuardedReplicationConnection(
        super.buildReplicationConnection(connection, schema, connectorConfig),
        new SlotGuardedReplicationConnection.SlotRequirement() {
          @Override
          public long checkBefore() throws SQLException {
            return SlotCheck.requireSlotToStream(
                url, user, password, slot, offsetFile, capturingSince);
          }

          @Override
          public void checkAfter(long bound) throws SQLException {
            SlotCheck.requireSameSlot(url, user, password, slot, offsetFile, bound);
          }
        });
  }

  private static String jdbcUrl(Configuration config) {
    return "jdbc:postgresql://"
        + config.getString("database.hostname")
        + ":"
        + config.getString("database.port")
        + "/"
        + config.getString("database.dbname");
  }

  private static Path offsetFile(Configuration config) {
    String file = config.getString(OFFSET_FILE);
    return file == null ? null : Path.of(file);
  }
}
