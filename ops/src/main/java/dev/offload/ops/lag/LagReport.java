package dev.offload.ops.lag;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offload.ops.GroupMember;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Renders a {@link LagSnapshot} for people (a table per group, partitions by lag, most lagging
 * first) and for programs (JSON). Used by {@code offload lag}.
 */
public final class LagReport {
  private static final String[] HEADER = {
    "TOPIC", "PARTITION", "COMMITTED", "END", "LAG", "LAG-SECONDS", "TIME-TO-DRAIN", "STATUS"
  };
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RESET = "\u001b[0m";

  private LagReport() {}

  /**
   * One table per group. {@code colour} wraps statuses in ANSI colours (OK green, WARN yellow,
   * STALL red, STOP bold red, ERR magenta); pass {@link dev.offload.ops.Terminal#colourEnabled()}.
   * Lag in seconds reads {@code 12.3} when exact, {@code ~12.3} when interpolated, {@code -} when
   * unknown. Time to drain reads seconds ({@code 0} when drained), {@code never} when the group is
   * not gaining on the log end, {@code -} when unknown. Each group's line names its objective.
   */
  public static String table(LagSnapshot snapshot, boolean colour) {
    StringBuilder out = new StringBuilder();
    out.append("Consumer lag at ").append(snapshot.takenAt()).append('\n');
    if (snapshot.groups().isEmpty()) {
      return out.append("No consumer groups.\n").toString();
    }
    for (GroupLag group : snapshot.groups()) {
      out.append('\n').append(groupLine(group, colour)).append('\n');
      if (group.partitions().isEmpty()) {
        out.append(group.error() == null ? "  (no committed offsets)\n" : "");
      } else {
        appendPartitions(out, group, colour);
      }
      if (group.error() != null) {
        out.append("  error: ").append(group.error()).append('\n');
      }
    }
    return out.toString();
  }

  /**
   * Compact JSON of the snapshot; {@code pretty} indents it. Unknown seconds are {@code null}; a
   * time to drain is a number of seconds only when finite, and {@code timeToDrain} says {@code
   * DRAINED}, {@code DRAINING}, {@code NEVER} or {@code UNKNOWN}.
   */
  public static String json(LagSnapshot snapshot, boolean pretty) {
    ObjectNode root = JSON.createObjectNode();
    root.put("takenAt", snapshot.takenAt().toString());
    ArrayNode groups = root.putArray("groups");
    snapshot.groups().forEach(g -> groups.add(groupJson(g)));
    try {
      return pretty
          ? JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root)
          : JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String groupLine(GroupLag g, boolean colour) {
    return String.format(
        Locale.ROOT,
        "GROUP %s  state %s  members %d  status %s  lag %d records, max %s s"
            + "  objective %s s  time to drain %s",
        g.group(),
        g.state(),
        g.members().size(),
        paint(g.status(), colour),
        g.totalLagRecords(),
        Double.isNaN(g.maxLagSeconds())
            ? "-"
            : String.format(Locale.ROOT, "%.1f", g.maxLagSeconds()),
        decimal(g.objective().toMillis() / 1000.0),
        switch (g.drain()) {
          case DRAINED -> "0 s";
          case DRAINING -> String.format(Locale.ROOT, "%.1f s", g.timeToDrainSeconds());
          case NEVER -> "never";
          case UNKNOWN -> "unknown";
        });
  }

  private static String decimal(double value) {
    return value == Math.rint(value)
        ? String.format(Locale.ROOT, "%.0f", value)
        : String.format(Locale.ROOT, "%.3f", value).replaceAll("0+$", "");
  }

  private static void appendPartitions(StringBuilder out, GroupLag group, boolean colour) {
    List<PartitionLag> byLag = new ArrayList<>(group.partitions());
    byLag.sort(
        Comparator.comparingLong(PartitionLag::lagRecords)
            .reversed()
            .thenComparing(PartitionLag::topic)
            .thenComparingInt(PartitionLag::partition));
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    byLag.forEach(p -> rows.add(row(p)));
    int[] widths = widths(rows);
    for (int r = 0; r < rows.size(); r++) {
      String[] cells = rows.get(r);
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < cells.length - 1; c++) {
        line.append(c == 0 ? padRight(cells[c], widths[c]) : padLeft(cells[c], widths[c]));
        line.append("  ");
      }
      String status = cells[cells.length - 1];
      line.append(r == 0 ? status : paint(byLag.get(r - 1).status(), colour));
      out.append(line).append('\n');
    }
    for (PartitionLag p : byLag) {
      if (p.error() != null) {
        out.append("  ").append(p.topic()).append('-').append(p.partition());
        out.append(": ").append(p.error()).append('\n');
      }
    }
  }

  private static String[] row(PartitionLag p) {
    return new String[] {
      p.topic(),
      Integer.toString(p.partition()),
      p.committed() < 0 ? "-" : Long.toString(p.committed()),
      p.logEnd() < 0 ? "-" : Long.toString(p.logEnd()),
      Long.toString(p.lagRecords()),
      seconds(p),
      drain(p),
      p.status().name()
    };
  }

  private static String drain(PartitionLag p) {
    return switch (p.drain()) {
      case DRAINED -> "0";
      case DRAINING -> String.format(Locale.ROOT, "%.1f", p.timeToDrainSeconds());
      case NEVER -> "never";
      case UNKNOWN -> "-";
    };
  }

  private static String seconds(PartitionLag p) {
    return switch (p.secondsSource()) {
      case NONE -> "0";
      case EXACT -> String.format(Locale.ROOT, "%.1f", p.lagSeconds());
      case INTERPOLATED -> String.format(Locale.ROOT, "~%.1f", p.lagSeconds());
      case UNKNOWN -> "-";
    };
  }

  private static int[] widths(List<String[]> rows) {
    int[] widths = new int[HEADER.length];
    for (String[] row : rows) {
      for (int c = 0; c < row.length; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    return widths;
  }

  private static String padRight(String s, int width) {
    return s + " ".repeat(width - s.length());
  }

  private static String padLeft(String s, int width) {
    return " ".repeat(width - s.length()) + s;
  }

  private static String paint(LagStatus status, boolean colour) {
    if (!colour) {
      return status.name();
    }
    String code =
        switch (status) {
          case OK -> "\u001b[32m";
          case WARN -> "\u001b[33m";
          case STALL -> "\u001b[31m";
          case STOP -> "\u001b[1;31m";
          case ERR -> "\u001b[35m";
        };
    return code + status.name() + RESET;
  }

  private static ObjectNode groupJson(GroupLag g) {
    ObjectNode node = JSON.createObjectNode();
    node.put("group", g.group());
    node.put("state", g.state());
    node.put("status", g.status().name());
    node.put("statusCode", g.status().code());
    node.put("totalLagRecords", g.totalLagRecords());
    node.put("maxLagRecords", g.maxLagRecords());
    putSeconds(node, "maxLagSeconds", g.maxLagSeconds());
    node.put("objectiveSeconds", g.objective().toMillis() / 1000.0);
    putSeconds(node, "timeToDrainSeconds", g.timeToDrainSeconds());
    node.put("timeToDrain", g.drain().name());
    node.put("error", g.error());
    ArrayNode members = node.putArray("members");
    g.members().forEach(m -> members.add(memberJson(m)));
    ArrayNode partitions = node.putArray("partitions");
    g.partitions().forEach(p -> partitions.add(partitionJson(p)));
    return node;
  }

  private static ObjectNode memberJson(GroupMember m) {
    ObjectNode node = JSON.createObjectNode();
    node.put("memberId", m.memberId());
    node.put("clientId", m.clientId());
    node.put("host", m.host());
    ArrayNode assigned = node.putArray("partitions");
    m.partitions().forEach(tp -> assigned.add(tp.toString()));
    return node;
  }

  private static ObjectNode partitionJson(PartitionLag p) {
    ObjectNode node = JSON.createObjectNode();
    node.put("topic", p.topic());
    node.put("partition", p.partition());
    node.put("committed", p.committed());
    node.put("logEnd", p.logEnd());
    node.put("lagRecords", p.lagRecords());
    putSeconds(node, "lagSeconds", p.lagSeconds());
    node.put("lagSecondsSource", p.secondsSource().name());
    putSeconds(node, "timeToDrainSeconds", p.timeToDrainSeconds());
    node.put("timeToDrain", p.drain().name());
    node.put("status", p.status().name());
    node.put("statusCode", p.status().code());
    node.put("owner", p.owner());
    node.put("error", p.error());
    return node;
  }

  private static void putSeconds(ObjectNode node, String field, double seconds) {
    if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
      node.putNull(field);
    } else {
      node.put(field, Math.round(seconds * 1000) / 1000.0);
    }
  }
}
