package dev.offload.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.offload.runtime.tracing.KafkaSpans;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code offload trace <event-id>}: where an event's time went, stage by stage. */
@Command(
    name = "trace",
    mixinStandardHelpOptions = true,
    description = {
      "Show the journey of one event: the spans each stage recorded for it, by start, as a",
      "timeline: the API's request and its outbox write, the capture to Kafka, the routing, then",
      "each worker's wait in its queue and every attempt of its handler, with retries and a dead",
      "letter marked. The gaps between the bars are the time the event waited between stages.",
      "Reads the spans the dashboard's server keeps: offload dev's own, or, from offload ops,",
      "those the production roles send it over OTLP (each stage then names its service).",
      "With no event id, lists the slowest events of those kept."
    })
final class TraceCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BAR = 40;

  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", description = "The event's id, as the API answered it.")
  String eventId;

  @Option(
      names = "--ops-url",
      defaultValue = "http://127.0.0.1:8090",
      description =
          "Base URL of the dashboard's server: offload dev's or offload ops' (default:"
              + " ${DEFAULT-VALUE}).")
  String opsUrl;

  @Option(names = "--json", description = "Print the spans as JSON instead of a timeline.")
  boolean json;

  @Option(
      names = "--limit",
      defaultValue = "10",
      description =
          "Without an event id: how many of the slowest events (default: ${DEFAULT-VALUE}).")
  int limit;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String base = opsUrl.endsWith("/") ? opsUrl.substring(0, opsUrl.length() - 1) : opsUrl;
    String path =
        eventId == null
            ? "/api/journeys/slowest?limit=" + limit
            : "/api/journey?event-id=" + URLEncoder.encode(eventId.trim(), StandardCharsets.UTF_8);
    HttpResponse<String> response;
    try {
      response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(base + path))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      err.println(
          "offload trace: cannot reach the dashboard's server at "
              + base
              + " ("
              + e.getMessage()
              + "); is offload dev (or offload ops) running? (--ops-url names another)");
      return 1;
    }
    JsonNode body = JSON.readTree(response.body());
    if (response.statusCode() != 200) {
      err.println("offload trace: " + body.path("message").asText(response.body()));
      return response.statusCode() == 400 ? 2 : 1;
    }
    if (json) {
      out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body));
    } else if (eventId == null) {
      printSlowest(out, body.path("traces"));
    } else {
      printTimeline(out, body.path("spans"));
    }
    out.flush();
    return 0;
  }

  private static void printSlowest(PrintWriter out, JsonNode traces) {
    if (traces.isEmpty()) {
      out.println("No event's spans are kept yet: publish one, then ask again.");
      return;
    }
    out.printf("%-10s  %-24s  %s%n", "TOOK", "STARTED", "EVENTS (offload trace <id> for one)");
    for (JsonNode t : traces) {
      long start = t.path("startNanos").asLong();
      long took = t.path("endNanos").asLong() - start;
      StringBuilder ids = new StringBuilder();
      for (JsonNode id : t.path("eventIds")) {
        ids.append(ids.length() == 0 ? "" : " ").append(id.asText());
      }
      out.printf("%-10s  %-24s  %s%n", millis(took), instant(start), ids);
    }
  }

  private static void printTimeline(PrintWriter out, JsonNode spans) {
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    for (JsonNode s : spans) {
      start = Math.min(start, s.path("startNanos").asLong());
      end = Math.max(end, s.path("endNanos").asLong());
    }
    long total = Math.max(1, end - start);
    Set<String> services = new TreeSet<>();
    spans.forEach(s -> services.add(s.path("service").asText("")));
    boolean several = services.size() > 1;
    out.printf(
        "%d spans over %s, from %s (trace %s)%s%n",
        spans.size(),
        millis(end - start),
        instant(start),
        spans.get(0).path("traceId").asText(),
        several ? ", recorded by " + String.join(", ", services) : "");
    for (JsonNode s : spans) {
      long from = s.path("startNanos").asLong() - start;
      long took = s.path("endNanos").asLong() - s.path("startNanos").asLong();
      int offset = (int) Math.min(BAR - 1, from * BAR / total);
      int width = (int) Math.max(1, Math.min(BAR - offset, took * BAR / total));
      String bar = " ".repeat(offset) + "#".repeat(width) + " ".repeat(BAR - offset - width);
      out.printf(
          "  +%-10s %10s  |%s|  %s%s%s%n",
          millis(from),
          millis(took),
          bar,
          several ? "[" + s.path("service").asText("?") + "] " : "",
          s.path("name").asText(),
          details(s));
      for (JsonNode e : s.path("events")) {
        out.printf(
            "  +%-10s %10s   %s   ! %s%s%n",
            millis(e.path("timeNanos").asLong() - start),
            "",
            " ".repeat(BAR),
            e.path("name").asText(),
            attributes(e.path("attributes")));
      }
    }
  }

  private static String details(JsonNode span) {
    JsonNode a = span.path("attributes");
    StringBuilder d = new StringBuilder();
    if (a.has("http.response.status_code")) {
      d.append("  ").append(a.get("http.response.status_code").asText());
    }
    if (a.has("offload.producer")) {
      d.append("  from ").append(a.get("offload.producer").asText());
    }
    if (a.has(KafkaSpans.TOPIC)) {
      d.append("  ").append(a.get(KafkaSpans.TOPIC).asText());
      if (a.has(KafkaSpans.PARTITION)) {
        d.append('[').append(a.get(KafkaSpans.PARTITION).asText()).append(']');
      }
      JsonNode offset =
          a.has(KafkaSpans.OFFSET_NEWER)
              ? a.get(KafkaSpans.OFFSET_NEWER)
              : a.get(KafkaSpans.OFFSET_OLDER);
      if (offset != null) {
        d.append('@').append(offset.asText());
      }
    }
    if (a.path("offload.routed.to").isArray()) {
      List<String> to = new ArrayList<>();
      a.get("offload.routed.to").forEach(t -> to.add(t.asText()));
      d.append("  -> ").append(String.join(", ", to));
    }
    if (a.has("offload.attempt")) {
      d.append("  attempt ").append(a.get("offload.attempt").asText());
    }
    if (span.path("error").asBoolean()) {
      d.append("  FAILED");
      String message = span.path("statusMessage").asText("");
      if (!message.isEmpty()) {
        d.append(": ").append(message);
      }
    }
    return d.toString();
  }

  private static String attributes(JsonNode attributes) {
    if (attributes.isEmpty()) {
      return "";
    }
    StringBuilder s = new StringBuilder(" (");
    Iterator<Map.Entry<String, JsonNode>> fields = attributes.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      s.append(f.getKey()).append('=').append(f.getValue().asText());
      if (fields.hasNext()) {
        s.append(", ");
      }
    }
    return s.append(')').toString();
  }

  private static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
  }

  private static String instant(long epochNanos) {
    return Instant.ofEpochSecond(0, epochNanos).toString();
  }
}
