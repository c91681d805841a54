package dev.offload.ops.deadletter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.offload.schemas.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.header.Header;

/** Renders dead letters, summaries and redrives for {@code offload dlq}. */
public final class DeadLetterReport {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private DeadLetterReport() {}

  /** The counts as a table: exception class, original topic, count, then a total line. */
  public static String list(DeadLetterSummary summary) {
    String topic = Topics.deadLetters(summary.group());
    if (summary.total() == 0) {
      return "No dead letters in " + topic + ".\n";
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"EXCEPTION", "ORIGINAL TOPIC", "COUNT"});
    summary
        .rows()
        .forEach(
            r -> rows.add(new String[] {r.exceptionClass(), r.originalTopic(), "" + r.count()}));
    rows.add(new String[] {"TOTAL", "", "" + summary.total()});
    return "Dead letters in " + topic + "\n" + table(rows);
  }

  /**
   * Each dead letter: where it is, its key and headers, and only with {@code payload} its value
   * (UTF-8 text or hex).
   */
  public static String show(List<DeadLetter> deadLetters, boolean payload) {
    StringBuilder out = new StringBuilder();
    for (DeadLetter d : deadLetters) {
      out.append("== ").append(d.id()).append(" at ").append(Instant.ofEpochMilli(d.timestamp()));
      out.append('\n');
      out.append("  key: ").append(render(Payloads.decode(d.key()))).append('\n');
      for (Header h : d.headers()) {
        String value = render(Payloads.decode(h.value()));
        out.append("  ").append(h.key()).append(": ").append(value.replace("\n", "\n    "));
        out.append('\n');
      }
      if (payload) {
        out.append("  payload: ").append(render(Payloads.decode(d.value()))).append('\n');
      }
    }
    return out.length() == 0 ? "No dead letters.\n" : out.toString();
  }

  /** {@link #show} as a JSON array; {@code payload} and {@code payloadEncoding} only if asked. */
  public static String showJson(List<DeadLetter> deadLetters, boolean payload) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (DeadLetter d : deadLetters) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("topic", d.topic());
      m.put("partition", d.partition());
      m.put("offset", d.offset());
      m.put("timestamp", Instant.ofEpochMilli(d.timestamp()).toString());
      m.put("key", Payloads.decode(d.key()).text());
      Map<String, String> headers = new LinkedHashMap<>();
      d.headers().forEach(h -> headers.put(h.key(), Payloads.decode(h.value()).text()));
      m.put("headers", headers);
      if (payload) {
        Payloads.Decoded value = Payloads.decode(d.value());
        m.put("payload", value.text());
        m.put("payloadEncoding", value.encoding().name().toLowerCase(Locale.ROOT));
      }
      out.add(m);
    }
    try {
      return JSON.writeValueAsString(out) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render dead letters as JSON", e);
    }
  }

  /** The plan: what is selected, what is skipped, and counts by original topic. */
  public static String plan(RedrivePlan plan) {
    RedriveRequest r = plan.request();
    StringBuilder out = new StringBuilder();
    out.append("Redrive ").append(Topics.deadLetters(r.group())).append('\n');
    out.append("  where: ").append(r.exception() == null ? "all" : "exception=" + r.exception());
    out.append('\n');
    out.append("  rate: ");
    out.append(r.ratePerSecond() > 0 ? fmt("%.0f records/s", r.ratePerSecond()) : "unlimited");
    out.append('\n');
    out.append(fmt("  %d dead letters, %d to redrive", plan.total(), plan.toRedrive().size()));
    out.append(fmt(", %d already redriven", plan.alreadyRedriven()));
    if (plan.unroutable() > 0) {
      out.append(fmt(", %d without an original topic (skipped)", plan.unroutable()));
    }
    out.append('\n');
    Map<String, Long> byTopic = new LinkedHashMap<>();
    plan.toRedrive().forEach(d -> byTopic.merge(d.originalTopic(), 1L, Long::sum));
    if (!byTopic.isEmpty()) {
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"ORIGINAL TOPIC", "RECORDS"});
      byTopic.forEach((t, n) -> rows.add(new String[] {t, "" + n}));
      out.append(table(rows));
    }
    return out.toString();
  }

  /** The closing line of a run. */
  public static String result(RedriveResult r) {
    double seconds = r.elapsed().toNanos() / 1e9;
    return fmt(
        "Redrove %d dead letters of group %s in %.1fs (%.0f records/s); audit in %s",
        r.redriven(),
        r.plan().request().group(),
        seconds,
        seconds <= 0 ? 0 : r.redriven() / seconds,
        Topics.redriven(r.plan().request().group()));
  }

  private static String render(Payloads.Decoded d) {
    return switch (d.encoding()) {
      case NULL -> "(null)";
      case HEX -> "hex:" + d.text();
      case TEXT -> d.text();
    };
  }

  private static String table(List<String[]> rows) {
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int c = 0; c < row.length; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < row.length; c++) {
        boolean last = c == row.length - 1;
        String pad = " ".repeat(widths[c] - row[c].length());
        line.append(last ? pad + row[c] : row[c] + pad + "  ");
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
