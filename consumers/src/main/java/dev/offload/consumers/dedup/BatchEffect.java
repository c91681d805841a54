package dev.offload.consumers.dedup;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;

/**
 * A database effect of several events, applied on the transaction that marks them ({@link
 * ProcessedEventStore#runOnceEach}).
 */
@FunctionalInterface
public interface BatchEffect {
  /**
   * Applies the effect of the events {@code freshIds} (those not processed before) on {@code c}.
   */
  void apply(Connection c, Set<String> freshIds) throws SQLException;
}
