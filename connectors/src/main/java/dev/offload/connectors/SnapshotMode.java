package dev.offload.connectors;

/**
 * Whether the connector reads the existing rows of the captured tables when it starts, mapped to
 * Debezium's {@code snapshot.mode}. Rows read by a snapshot are change events with op {@code r}.
 */
public enum SnapshotMode {
  /**
   * Reads every captured table once, on the first start (no recorded position yet), then streams
   * (Debezium {@code initial}); the default.
   */
  INITIAL("initial"),
  /** Never reads existing rows: only changes committed from the first start on (no_data). */
  NEVER("no_data"),
  /** Reads every captured table on every start, then streams (Debezium {@code always}). */
  ALWAYS("always"),
  /**
   * Reads the tables on the first start, and again when the recorded position is no longer
   * available in the write-ahead log (Debezium {@code when_needed}).
   */
  WHEN_NEEDED("when_needed");

  private final String debeziumValue;

  SnapshotMode(String debeziumValue) {
    this.debeziumValue = debeziumValue;
  }

  /** The value of Debezium's {@code snapshot.mode}. */
  public String debeziumValue() {
    return debeziumValue;
  }
}
