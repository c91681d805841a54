package dev.offload.connectors;

import dev.offload.schemas.Topics;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Which existing tables of the app's database the connector captures besides the outbox, and how.
 *
 * <p>Every change of a listed table goes to {@code offload.changes.<schema>.<table>} as a Debezium
 * change event (before, after, op, source position, ts) in Avro, keyed by the primary key. The
 * tables are captured by the same engine and replication slot as the outbox: the connector's
 * publication includes them.
 *
 * @param tables the tables, as {@code schema.table} (for example {@code public.orders}); each needs
 *     a primary key. Default: none (outbox only)
 * @param snapshot whether existing rows are read on first start; default {@link
 *     SnapshotMode#INITIAL}. A table added to a connector that already ran is not snapshotted:
 *     request an incremental snapshot for it ({@code offload connector snapshot <table>})
 * @param signalTable the Debezium signalling table in the captured database through which
 *     incremental snapshots are requested; created by the connector when missing; default {@value
 *     #DEFAULT_SIGNAL_TABLE}
 * @param fullBeforeImage whether the connector sets {@code REPLICA IDENTITY FULL} on the captured
 *     tables (on start, when they do not have it) so that updates and deletes carry every column's
 *     old value in {@code before} (more WAL per change; needs table ownership); when false,
 *     PostgreSQL's default applies: {@code before} is null for updates and holds only the key for
 *     deletes. Default true
 */
public record TableCapture(
    List<String> tables, SnapshotMode snapshot, String signalTable, boolean fullBeforeImage) {

  /** Default signalling table. */
  public static final String DEFAULT_SIGNAL_TABLE = "public.offload_signal";

  /** Validates every field and names the offending one. */
  public TableCapture {
    Objects.requireNonNull(tables, "tables must not be null");
    List<String> checked = new ArrayList<>();
    for (String table : new LinkedHashSet<>(tables)) {
      checked.add(requireQualified("tables", table));
    }
    tables = List.copyOf(checked);
    Objects.requireNonNull(snapshot, "snapshot must not be null");
    requireQualified("signalTable", signalTable);
    if (tables.contains(signalTable)) {
      throw new IllegalArgumentException("tables must not contain the signal table " + signalTable);
    }
  }

  /** Captures no table: the connector carries the outbox only. */
  public static TableCapture none() {
    return of(List.of());
  }

  /** Captures {@code tables} with the defaults: initial snapshot, full before images. */
  public static TableCapture of(List<String> tables) {
    return new TableCapture(tables, SnapshotMode.INITIAL, DEFAULT_SIGNAL_TABLE, true);
  }

  /** This capture with another snapshot mode. */
  public TableCapture withSnapshot(SnapshotMode mode) {
    return new TableCapture(tables, mode, signalTable, fullBeforeImage);
  }

  /** This capture with another signalling table. */
  public TableCapture withSignalTable(String table) {
    return new TableCapture(tables, snapshot, table, fullBeforeImage);
  }

  /** This capture with or without full before images. */
  public TableCapture withFullBeforeImage(boolean full) {
    return new TableCapture(tables, snapshot, signalTable, full);
  }

  /** Whether any table is captured. */
  public boolean enabled() {
    return !tables.isEmpty();
  }

  /** The topic of {@code table} ({@code schema.table}). */
  public static String topicOf(String table) {
    String[] parts = requireQualified("table", table).split("\\.");
    return Topics.changes(parts[0], parts[1]);
  }

  /**
   * Adds table capture to the outbox connector's Debezium properties {@code p}: the tables and the
   * signalling table join {@code table.include.list} (and so the publication), the initial snapshot
   * covers the listed tables only. Does nothing when no table is captured.
   */
  void applyTo(Properties p) {
    if (!enabled()) {
      return;
    }
    List<String> include = new ArrayList<>(List.of(p.getProperty("table.include.list")));
    include.addAll(tables);
    include.add(signalTable);
    p.setProperty("table.include.list", String.join(",", include));
    p.setProperty("snapshot.mode", snapshot.debeziumValue());
    p.setProperty("snapshot.include.collection.list", regexList(tables));
    p.setProperty("signal.enabled.channels", "source");
    p.setProperty("signal.data.collection", signalTable);
  }

  /** Debezium reads include lists as regular expressions: quote the dots. */
  private static String regexList(List<String> names) {
    return names.stream().map(n -> n.replace(".", "\\.")).collect(Collectors.joining(","));
  }

  private static String requireQualified(String field, String table) {
    String[] parts = table == null ? new String[0] : table.split("\\.", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException(
          field + ": a table is named schema.table, for example public.orders: '" + table + "'");
    }
    try {
      Topics.changes(parts[0], parts[1]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
    }
    return table;
  }
}
