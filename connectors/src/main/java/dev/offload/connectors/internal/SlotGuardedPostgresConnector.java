package dev.offload.connectors.internal;

import io.debezium.connector.postgresql.PostgresConnector;
import org.apache.kafka.connect.connector.Task;

/**
 * Debezium's PostgreSQL connector whose task checks the replication slot each time it connects: see
 * {@link SlotGuardedPostgresTask}. The connector's {@code connector.class}.
 */
public final class SlotGuardedPostgresConnector extends PostgresConnector {
  @Override
  public Class<? extends Task> taskClass() {
    return SlotGuardedPostgresTask.class;
  }
}
