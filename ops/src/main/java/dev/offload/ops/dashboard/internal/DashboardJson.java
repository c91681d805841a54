package dev.offload.ops.dashboard.internal;

import dev.offload.ops.lag.GroupLag;
import dev.offload.ops.lag.LagSnapshot;
import dev.offload.ops.lag.PartitionLag;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The JSON documents the dashboard polls, as maps and lists for Jackson. Times are ISO-8601
 * strings, except the chart axes, which are epoch seconds as uPlot wants them; an unknown lag in
 * seconds is {@code null}. A time to drain is a number only when finite; {@code timeToDrain} says
 * {@code DRAINED}, {@code DRAINING}, {@code NEVER} or {@code UNKNOWN}.
 */
public final class DashboardJson {
  private DashboardJson() {}

  /** {@code /api/lag}: the latest snapshot and every group's history. */
  public static Map<String, Object> lag(LagSnapshot snapshot, List<LagHistory.Frame> frames) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("takenAt", snapshot.takenAt().toString());
    out.put("groups", snapshot.groups().stream().map(DashboardJson::group).toList());
    out.put("history", groupHistory(frames));
    return out;
  }

  /** {@code /api/throughput}: the latest rates per topic, and their history. */
  public static Map<String, Object> throughput(
      Map<String, Throughput.TopicRate> rates, List<LagHistory.Frame> frames) {
    Map<String, Object> out = new LinkedHashMap<>();
    List<Map<String, Object>> topics = new ArrayList<>();
    rates
        .values()
        .forEach(
            r -> {
              Map<String, Object> t = new LinkedHashMap<>();
              t.put("topic", r.topic());
              t.put("in", r.in());
              t.put("out", r.out());
              topics.add(t);
            });
    out.put("topics", topics);
    Map<String, Object> history = new LinkedHashMap<>();
    history.put("times", times(frames));
    history.put("topicsIn", series(frames, LagHistory.Frame::topicsIn));
    history.put("groupsOut", series(frames, LagHistory.Frame::groupsOut));
    out.put("history", history);
    return out;
  }

  /** {@code /api/dead-letters}: sizes of the dead-letter topics and the newest dead letters. */
  public static Map<String, Object> deadLetters(DeadLetters read) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("readAt", read.readAt().equals(Instant.EPOCH) ? null : read.readAt().toString());
    out.put("topics", read.topics());
    List<Map<String, Object>> newest = new ArrayList<>();
    for (DeadLetters.DeadLetter d : read.newest()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("topic", d.topic());
      m.put("partition", d.partition());
      m.put("offset", d.offset());
      m.put("timestamp", d.timestamp().toString());
      m.put("exceptionClass", d.exceptionClass());
      m.put("originalTopic", d.originalTopic());
      m.put("failedAt", d.failedAt());
      m.put("group", d.group());
      m.put("reason", d.reason());
      newest.add(m);
    }
    out.put("newest", newest);
    out.put("error", read.error());
    return out;
  }

  /** {@code /api/roles}: the latest answer of each role check. */
  public static List<Map<String, Object>> roles(List<RoleHealth> roles) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (RoleHealth r : roles) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", r.name());
      m.put("status", r.up() ? "UP" : "DOWN");
      m.put("detail", r.detail());
      m.put("checkedAt", r.checkedAt().toString());
      out.add(m);
    }
    return out;
  }

  private static Map<String, Object> group(GroupLag g) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("group", g.group());
    m.put("state", g.state());
    m.put("status", g.status().name());
    m.put("members", g.members().size());
    m.put("lagRecords", g.totalLagRecords());
    m.put("maxLagRecords", g.maxLagRecords());
    m.put("lagSeconds", seconds(g.maxLagSeconds()));
    m.put("objectiveSeconds", g.objective().toMillis() / 1000.0);
    m.put("timeToDrainSeconds", seconds(g.timeToDrainSeconds()));
    m.put("timeToDrain", g.drain().name());
    m.put("error", g.error());
    m.put("partitions", g.partitions().stream().map(DashboardJson::partition).toList());
    return m;
  }

  private static Map<String, Object> partition(PartitionLag p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("topic", p.topic());
    m.put("partition", p.partition());
    m.put("committed", p.committed());
    m.put("logEnd", p.logEnd());
    m.put("lagRecords", p.lagRecords());
    m.put("lagSeconds", seconds(p.lagSeconds()));
    m.put("secondsSource", p.secondsSource().name());
    m.put("timeToDrainSeconds", seconds(p.timeToDrainSeconds()));
    m.put("timeToDrain", p.drain().name());
    m.put("status", p.status().name());
    m.put("owner", p.owner());
    m.put("error", p.error());
    return m;
  }

  private static Map<String, Object> groupHistory(List<LagHistory.Frame> frames) {
    TreeSet<String> names = new TreeSet<>();
    frames.forEach(f -> names.addAll(f.groups().keySet()));
    Map<String, Object> groups = new TreeMap<>();
    for (String name : names) {
      List<Long> records = new ArrayList<>();
      List<Double> seconds = new ArrayList<>();
      for (LagHistory.Frame f : frames) {
        LagHistory.GroupPoint p = f.groups().get(name);
        records.add(p == null ? null : p.records());
        seconds.add(p == null ? null : seconds(p.seconds()));
      }
      groups.put(name, Map.of("records", records, "seconds", seconds));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("times", times(frames));
    out.put("groups", groups);
    return out;
  }

  private static Map<String, List<Double>> series(
      List<LagHistory.Frame> frames, Function<LagHistory.Frame, Map<String, Double>> values) {
    TreeSet<String> names = new TreeSet<>();
    frames.forEach(f -> names.addAll(values.apply(f).keySet()));
    Map<String, List<Double>> out = new TreeMap<>();
    for (String name : names) {
      List<Double> points = new ArrayList<>();
      frames.forEach(f -> points.add(values.apply(f).get(name)));
      out.put(name, points);
    }
    return out;
  }

  private static List<Double> times(List<LagHistory.Frame> frames) {
    return frames.stream().map(f -> f.at().toEpochMilli() / 1000.0).toList();
  }

  private static Double seconds(double value) {
    return Double.isNaN(value) || Double.isInfinite(value) ? null : value;
  }
}
