package dev.offload.connectors;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

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

  /** The name a configuration file gives: {@code initial}, {@code never}, {@code when-needed}. */
  @JsonValue
  public String fileValue() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * The mode a configuration file names, in any case, {@code -} or {@code _}.
   *
   * @throws IllegalArgumentException naming {@code capture.snapshot}
   */
  @JsonCreator
  public static SnapshotMode of(String text) {
    String name = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (SnapshotMode mode : values()) {
      if (mode.name().equals(name)) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "capture.snapshot: '" + text + "' is not one of initial, never, always, when-needed");
  }
}
