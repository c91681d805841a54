package dev.offload.ops.replay;

import dev.offload.ops.GroupMember;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders replay plans, group resets and replay progress for {@code offload replay}. */
public final class ReplayReport {
  private ReplayReport() {}

  /** The plan: what is read, the filters and rate, and a table of per-partition offset ranges. */
  public static String plan(ReplayPlan plan) {
    ReplayRequest r = plan.request();
    StringBuilder out = new StringBuilder();
    out.append("Replay ").append(r.topic()).append(" -> ").append(r.into()).append('\n');
    out.append("  from ").append(describe(r.from())).append(" to ");
    out.append(r.to() == null ? "the log end" : describe(r.to())).append(" (exclusive)\n");
    out.append("  filters: ").append(filters(r)).append('\n');
    out.append("  rate: ");
    out.append(r.ratePerSecond() > 0 ? fmt("%.0f records/s", r.ratePerSecond()) : "unlimited");
    out.append('\n');
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"PARTITION", "FROM", "TO", "RECORDS"});
    for (PartitionRange range : plan.ranges()) {
      rows.add(
          new String[] {
            "" + range.partition(), "" + range.from(), "" + range.to(), "" + range.count()
          });
    }
    rows.add(new String[] {"TOTAL", "", "", "" + plan.total()});
    out.append(table(rows));
    return out.toString();
  }

  /** The reset: members (if any) and a table of current and new offsets per partition. */
  public static String reset(ResetPlan plan) {
    StringBuilder out = new StringBuilder();
    out.append("Reset group ").append(plan.group()).append(" to ").append(plan.time()).append('\n');
    if (plan.members().isEmpty()) {
      out.append("  the group has no members\n");
    } else {
      out.append("  active members (the reset is refused until they stop):\n");
      for (GroupMember m : plan.members()) {
        out.append("    ").append(m.describe()).append('\n');
      }
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"TOPIC", "PARTITION", "CURRENT", "NEW", "REPLAYED"});
    for (OffsetChange c : plan.changes()) {
      rows.add(
          new String[] {
            c.partition().topic(),
            "" + c.partition().partition(),
            "" + c.current(),
            "" + c.target(),
            "" + c.delta()
          });
    }
    rows.add(new String[] {"TOTAL", "", "", "", "" + plan.totalDelta()});
    return out.append(table(rows)).toString();
  }

  /** A progress line for logs: {@code replayed 1200/5000 (24%), copied 1200, 480 rec/s, ETA 8s}. */
  public static String progressLine(ReplayProgress p) {
    return fmt(
        "replayed %d/%d (%.0f%%), copied %d, %.0f rec/s, ETA %s",
        p.done(), p.total(), p.fraction() * 100, p.copied(), p.rate(), eta(p.eta()));
  }

  /** A progress bar for a terminal line rewritten with a carriage return. */
  public static String progressBar(ReplayProgress p, int width) {
    int filled = (int) Math.round(p.fraction() * width);
    return "[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + progressLine(p);
  }

  /** The closing line of a run. */
  public static String result(ReplayResult r) {
    return fmt(
        "Copied %d records into %s in %s (%.0f records/s); replay id %s",
        r.copied(), r.into(), eta(r.elapsed()), r.copyRate(), r.replayId());
  }

  private static String describe(Position p) {
    return p instanceof Position.AtOffset o
        ? "offset " + o.offset()
        : ((Position.AtTime) p).time().toString();
  }

  private static String filters(ReplayRequest r) {
    List<String> parts = new ArrayList<>();
    if (r.partition() != null) {
      parts.add("partition " + r.partition());
    }
    if (r.key() != null) {
      parts.add("key " + r.key());
    }
    if (r.eventType() != null) {
      parts.add("type " + r.eventType());
    }
    return parts.isEmpty() ? "none" : String.join(", ", parts);
  }

  private static String eta(Duration d) {
    if (d == null) {
      return "?";
    }
    long s = Math.round(d.toMillis() / 1000.0);
    return s < 60
        ? s + "s"
        : s < 3600 ? fmt("%dm%02ds", s / 60, s % 60) : fmt("%dh%02dm", s / 3600, s / 60 % 60);
  }

  private static String table(List<String[]> rows) {
    int[] widths = new int[rows.get(0).length];
    rows.forEach(
        row -> {
          for (int c = 0; c < row.length; c++) {
            widths[c] = Math.max(widths[c], row[c].length());
          }
        });
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < row.length; c++) {
        String cell = row[c];
        line.append(
            c == 0
                ? cell + " ".repeat(widths[c] - cell.length())
                : " ".repeat(widths[c] - cell.length()) + cell);
        line.append(c < row.length - 1 ? "  " : "");
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
