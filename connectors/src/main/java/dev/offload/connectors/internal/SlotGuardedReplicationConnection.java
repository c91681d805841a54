package dev.offload.connectors.internal;

import io.debezium.connector.postgresql.connection.Lsn;
import io.debezium.connector.postgresql.connection.ReplicationConnection;
import io.debezium.connector.postgresql.connection.ReplicationStream;
import io.debezium.connector.postgresql.connection.WalPositionLocator;
import io.debezium.connector.postgresql.spi.SlotCreationResult;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Debezium's replication connection, made to check the slot before and after each stream it opens:
 * opening a stream on a missing slot makes a new one, which would silently skip the events
 * committed since the slot went missing ({@link SlotCheck#requireSlotToStream}, and {@link
 * SlotCheck#requireSameSlot} for a slot dropped in between).
 */
final class SlotGuardedReplicationConnection implements ReplicationConnection {
  /** The checks around opening a stream. */
  interface SlotRequirement {
    /** Throws when the slot is missing or lost; returns what {@link #checkAfter} compares to. */
    long checkBefore() throws SQLException;

    /** Throws when the slot of the open stream was made anew since {@link #checkBefore}. */
    void checkAfter(long bound) throws SQLException;
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
    long bound = requirement.checkBefore();
    return checkedAfter(delegate.startStreaming(walPosition), bound);
  }

  @Override
  public ReplicationStream startStreaming(Lsn offset, WalPositionLocator walPosition)
      throws SQLException, InterruptedException {
    long bound = requirement.checkBefore();
    return checkedAfter(delegate.startStreaming(offset, walPosition), bound);
  }

  /** Closes {@code stream} and rethrows when its slot was made anew after the check before it. */
  private ReplicationStream checkedAfter(ReplicationStream stream, long bound) throws SQLException {
    try {
      requirement.checkAfter(bound);
      return stream;
    } catch (SQLException | RuntimeException e) {
      try {
        stream.close();
      } catch (Exception closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
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
