package dev.offload.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineReportTest {
  @Test
  void requestsNotAnswered202AreCountedByReasonInTheTextAndTheJson() {
    Map<String, Long> why = new LinkedHashMap<>();
    why.put("HTTP 503 database-unavailable", 2L);
    why.put("no answer: io.vertx.core.http.HttpClosedException: Connection was closed", 1L);
    PipelineReport report =
        new PipelineReport(
            "test run",
            List.of(),
            1000,
            List.of(),
            Map.of(),
            new PipelineReport.Sustainable(1000, "none", "sustainable rate: 1,000 events/s"),
            new BenchReport("baselines", List.of(), 0, 0),
            List.of(),
            3,
            why);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    report.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String text = bytes.toString(StandardCharsets.UTF_8);

    assertThat(text)
        .contains("requests not answered 202: 3")
        .containsSubsequence(
            "  2  HTTP 503 database-unavailable",
            "  1  no answer: io.vertx.core.http.HttpClosedException: Connection was closed");
    JsonObject json = report.toJson();
    assertThat(json.getLong("refused")).isEqualTo(3L);
    assertThat(json.getJsonObject("refusedBy").getLong("HTTP 503 database-unavailable"))
        .isEqualTo(2L);
  }
}
