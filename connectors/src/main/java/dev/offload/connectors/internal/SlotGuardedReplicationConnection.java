package dev.offload.connectors.internal;

import io.debezium.connector.postgresql.connection.Lsn;
import io.debezium.connector.postgresql.connection.ReplicationConnection;
import io.debezium.connector.postgresql.connection.ReplicationStream;
import io.debezium.connector.postgresql.connection.WalPositionLocator;
import io.debezium.connector.postgresql.spi.SlotCreationResult;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Debezium's replication connection, made to check the slot before each stream it opens: opening a
 * stream on a missing slot makes a new one, which would silently skip the events committed since
 * the slot went missing (see {@link SlotCheck#requireSlotToStream}).
 */
final class SlotGuardedReplicationConnection implements ReplicationConnection {
  /** The check, throwing when the slot is missing or lost. */
  @FunctionalInterface
  interface SlotRequirement {
    void check() throws SQLException;
  }

  private final ReplicationConnection delegate;
  private final SlotRequirement requirement;

  SlotGuardedReplicationConnection(ReplicationConnection delegate, SlotRequirement requirement) {
    this.delegate = delegate;
    this.requirement = requirement;
  }

  @Override
  public ReplicationStream startStreaming(WalPositionLocator walPosition)
      throws SQLException, InterruptedException {
    requirement.check();
    return delegate.startStreaming(walPosition);
  }

  @Override
  public ReplicationStream startStreaming(Lsn offset, WalPositionLocator walPosition)
      throws SQLException, InterruptedException {
    requirement.check();
    return delegate.startStreaming(offset, walPosition);
  }

  @Override
  public Optional<SlotCreationResult> createReplicationSlot() throws SQLException {
    return delegate.createReplicationSlot();
  }

  @Override
  public void initConnection() throws SQLException, InterruptedException {
    delegate.initConnection();
  }

  @Override
  public boolean isConnected() throws SQLException {
    return delegate.isConnected();
  }

  @Override
  public void reconnect() throws SQLException {
    delegate.reconnect();
  }

  @Override
  public void close() throws Exception {
    delegate.close();
  }
}
