package dev.offload.connectors.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.connect.errors.RetriableException;

/**
 * Refuses to capture from a replication slot that no longer holds the events since the connector's
 * position: a slot that was dropped, or that PostgreSQL invalidated for exceeding {@code
 * max_slot_wal_keep_size}. Debezium would otherwise make a new slot, which starts after the events
 * committed in between, and carry on. The error names the slot, the position capture stopped at,
 * says that the events since were not captured, and how to recover. Checked before the connector
 * starts ({@link #requireSlotOfStoredPosition}) and each time its task reconnects ({@link
 * #requireSlotToResume}) and opens a replication stream ({@link #requireSlotToStream}), from {@link
 * SlotGuardedPostgresTask}.
 */
public final class SlotCheck {
  private static final Pattern LSN = Pattern.compile("\"lsn\":(\\d+)");
  private static final Pattern ANY_LSN = Pattern.compile("\"lsn[a-z_]*\":(\\d+)");

  private SlotCheck() {}

  /**
   * Refuses a start that would silently skip events: when {@code offsetFile} holds a position (the
   * connector captured before) but {@code slot} does not exist, or PostgreSQL invalidated it and
   * removed the WAL it held back, the events committed since that position can no longer be
   * captured, and a new slot would start after them. The error says so, with the position, and how
   * to recover. Does nothing on a first start (no offset file, or an empty one).
   *
   * @throws IllegalStateException when the slot is missing or lost, or cannot be read
   */
  public static void requireSlotOfStoredPosition(
      String jdbcUrl, String user, String password, String slot, Path offsetFile) {
    if (!holdsPosition(offsetFile)) {
      return;
    }
    String status;
    try {
      status = walStatus(jdbcUrl, user, password, slot);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot check replication slot " + slot + ": " + e.getMessage(), e);
    }
    if (status != null && !status.equals("lost")) {
      return;
    }
    throw lostSinceStoredPosition(slot, status, offsetFile);
  }

  /**
   * The same check for a connector's task that (re)starts after it streamed already, say after the
   * connection to PostgreSQL was cut because the slot's walsender was terminated: the slot must
   * still be there, whether or not a position was stored yet. With a stored position the error is
   * that of {@link #requireSlotOfStoredPosition}; without one, it names {@code since}, the time
   * since which events were not captured.
   *
   * @param since when the connector first started capturing from the slot; null on its first start,
   *     when a missing slot (with no stored position) is one for Debezium to make
   * @throws IllegalStateException when the slot is missing or lost
   * @throws SlotUnreadableException when the slot cannot be read (the database is away): a
   *     retriable error, for Debezium to try again later
   */
  public static void requireSlotToResume(
      String jdbcUrl, String user, String password, String slot, Path offsetFile, Instant since) {
    try {
      check(jdbcUrl, user, password, slot, offsetFile, since);
    } catch (SQLException e) {
      throw new SlotUnreadableException(
          "cannot check replication slot " + slot + " before reconnecting: " + e.getMessage(), e);
    }
  }

  /**
   * The check before each replication stream opens, once the task has found or made the slot
   * (Debezium makes a missing slot again as it opens a stream, which would skip what was committed
   * since it went missing).
   *
   * @param since when the connector started capturing from the slot
   * @return the highest position the slot may restart from while it is the slot capture confirmed
   *     positions to, for {@link #requireSameSlot} once the stream is open: its confirmed position
   *     now or the latest in {@code offsetFile}, whichever is later
   * @throws IllegalStateException when the slot is missing or lost
   * @throws SQLException when the slot cannot be read, as opening the stream would fail
   */
  public static long requireSlotToStream(
      String jdbcUrl, String user, String password, String slot, Path offsetFile, Instant since)
      throws SQLException {
    check(jdbcUrl, user, password, slot, offsetFile, Objects.requireNonNull(since, "since"));
    long stored = offsetFile != null && holdsPosition(offsetFile) ? latestLsn(offsetFile) : 0;
    return Math.max(stored, slotLsn(jdbcUrl, user, password, slot, "confirmed_flush_lsn"));
  }

  /**
   * The check once a stream is open: a slot dropped between {@link #requireSlotToStream} and the
   * stream's opening was made anew by Debezium, at the WAL position of its making; its restart
   * position is then past {@code bound} (once anything was written in between, which is when events
   * can have been skipped).
   *
   * @throws IllegalStateException when the slot was made anew
   */
  public static void requireSameSlot(
      String jdbcUrl, String user, String password, String slot, Path offsetFile, long bound)
      throws SQLException {
    long restart = slotLsn(jdbcUrl, user, password, slot, "restart_lsn");
    if (restart <= bound) {
      return;
    }
    throw new SlotLostException(
        "replication slot "
            + slot
            + " was made anew as the connector opened a stream from it (it starts at LSN "
            + lsnText(restart)
            + ", past LSN "
            + lsnText(bound)
            + ", the position capture had reached): it was dropped just before, and the events"
            + " committed in between were not captured and cannot be any more. The connector"
            + " stops here rather than go on from the new slot. To recover: publish those events"
            + " again (the outbox rows written since, or `offload connector snapshot` for captured"
            + " tables), drop the new slot once the connector has stopped (SELECT"
            + " pg_drop_replication_slot('"
            + slot
            + "')), then move "
            + offsetFile
            + " aside if it exists and start again: the connector makes a new slot and captures"
            + " from now on.");
  }

  /** An LSN column of the slot as a number, 0 when the slot or the value is missing. */
  private static long slotLsn(String jdbcUrl, String user, String password, String slot, String col)
      throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl, user, password);
        PreparedStatement s =
            c.prepareStatement(
                "SELECT pg_wal_lsn_diff("
                    + col
                    + ", '0/0')::bigint FROM pg_replication_slots WHERE slot_name = ?")) {
      s.setString(1, slot);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  /** The latest of the LSNs in a stored position ({@code lsn}, {@code lsn_commit}, ...), or 0. */
  private static long latestLsn(Path offsetFile) {
    try {
      Matcher m =
          ANY_LSN.matcher(new String(Files.readAllBytes(offsetFile), StandardCharsets.ISO_8859_1));
      long latest = 0;
      while (m.find()) {
        latest = Math.max(latest, Long.parseLong(m.group(1)));
      }
      return latest;
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }

  private static String lsnText(long lsn) {
    return Long.toHexString(lsn >>> 32).toUpperCase(Locale.ROOT)
        + "/"
        + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase(Locale.ROOT);
  }

  private static void check(
      String jdbcUrl, String user, String password, String slot, Path offsetFile, Instant since)
      throws SQLException {
    boolean stored = offsetFile != null && holdsPosition(offsetFile);
    if (!stored && since == null) {
      return;
    }
    String status = walStatus(jdbcUrl, user, password, slot);
    if (status != null && !status.equals("lost")) {
      return;
    }
    if (stored) {
      throw lostSinceStoredPosition(slot, status, offsetFile);
    }
    throw new SlotLostException(
        describe(slot, status)
            + " (found as the connector went to stream from it again, before it had stored a"
            + " position): events committed since it started capturing at "
            + since
            + " were not captured and cannot be any more. The connector stops here, since a new"
            + " slot would skip them silently. To recover: publish those events again (the outbox"
            + " rows written since, or `offload connector snapshot` for captured tables), "
            + dropAdvice(slot, status)
            + "then start the connector again: it makes a new slot and captures from then on.");
  }

  /**
   * The replication slot is gone, or no longer the one capture confirmed positions to: what was
   * lost and how to recover, in the message.
   */
  public static final class SlotLostException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    SlotLostException(String message) {
      super(message);
    }

    /** This exception in {@code failure}'s chain of causes (Debezium wraps what a task throws). */
    public static Optional<SlotLostException> in(Throwable failure) {
      for (Throwable t = failure; t != null; t = t.getCause()) {
        if (t instanceof SlotLostException lost) {
          return Optional.of(lost);
        }
      }
      return Optional.empty();
    }
  }

  /** A slot that could not be read, for a reason that may pass (the database is away). */
  public static final class SlotUnreadableException extends RetriableException {
    private static final long serialVersionUID = 1L;

    SlotUnreadableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static boolean holdsPosition(Path offsetFile) {
    try {
      return Files.isRegularFile(offsetFile) && Files.size(offsetFile) > 0;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + offsetFile, e);
    }
  }

  /** The slot's {@code wal_status} ({@code "null"} when PostgreSQL has none), or null if none. */
  private static String walStatus(String jdbcUrl, String user, String password, String slot)
      throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl, user, password);
        PreparedStatement s =
            c.prepareStatement("SELECT wal_status FROM pg_replication_slots WHERE slot_name = ?")) {
      s.setString(1, slot);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? String.valueOf(rs.getString(1)) : null;
      }
    }
  }

  private static SlotLostException lostSinceStoredPosition(
      String slot, String status, Path offsetFile) {
    String position = storedLsn(offsetFile).map(lsn -> " (LSN " + lsn + ")").orElse("");
    return new SlotLostException(
        describe(slot, status)
            + ", but "
            + offsetFile
            + " holds the position capture stopped at"
            + position
            + ": events committed since then were not captured and cannot be any more. The"
            + " connector stops here, since a new slot would skip them silently. To recover:"
            + " publish those events again (the outbox rows written since, or `offload connector"
            + " snapshot` for captured tables), "
            + dropAdvice(slot, status)
            + "then move "
            + offsetFile
            + " aside and start again: the connector makes a new slot and captures from now on.");
  }

  private static String describe(String slot, String status) {
    return status == null
        ? "replication slot " + slot + " does not exist"
        : "replication slot "
            + slot
            + " was invalidated and its WAL removed (wal_status lost,"
            + " see max_slot_wal_keep_size)";
  }

  private static String dropAdvice(String slot, String status) {
    return status == null
        ? ""
        : "drop the slot (SELECT pg_drop_replication_slot('" + slot + "')), ";
  }

  /** The LSN in a stored position, e.g. {@code 0/1736370}, when one can be read. */
  private static Optional<String> storedLsn(Path offsetFile) {
    try {
      Matcher m =
          LSN.matcher(new String(Files.readAllBytes(offsetFile), StandardCharsets.ISO_8859_1));
      if (!m.find()) {
        return Optional.empty();
      }
      return Optional.of(lsnText(Long.parseLong(m.group(1))));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }
}
