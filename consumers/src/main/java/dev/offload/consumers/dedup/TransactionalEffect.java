package dev.offload.consumers.dedup;

import java.sql.Connection;
import java.sql.SQLException;

/** A database effect run in the transaction that also marks its event processed. */
@FunctionalInterface
public interface TransactionalEffect {
  /**
   * Applies the effect on {@code connection}; do not commit, roll back or close it.
   *
   * @throws SQLException to roll back both the effect and the mark
   */
  void apply(Connection connection) throws SQLException;
}
