package dev.offload.ops.lag;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.offload.ops.GroupMember;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class LagReportTest {
  private static final LagSnapshot SNAPSHOT =
      new LagSnapshot(
          Instant.parse("2025-01-01T00:00:00Z"),
          List.of(
              new GroupLag(
                  "billing",
                  "STABLE",
                  List.of(
                      new GroupMember(
                          "m-1", "worker-1", "/10.0.0.7", List.of(new TopicPartition("t", 1)))),
                  LagStatus.STALL,
                  Duration.ofSeconds(90),
                  List.of(
                      partition(0, 5, 1.5, LagSecondsSource.INTERPOLATED, 2.5, LagStatus.OK),
                      partition(
                          1,
                          120,
                          42.25,
                          LagSecondsSource.EXACT,
                          Double.POSITIVE_INFINITY,
                          LagStatus.STALL),
                      partition(2, 0, 0, LagSecondsSource.NONE, 0, LagStatus.OK),
                      partition(
                          3, 7, Double.NaN, LagSecondsSource.UNKNOWN, Double.NaN, LagStatus.OK)),
                  null)));

  private static PartitionLag partition(
      int p, long lag, double seconds, LagSecondsSource source, double drain, LagStatus status) {
    return new PartitionLag(
        "t", p, 100, 100 + lag, lag, seconds, source, drain, status, null, null);
  }

  private static LagSnapshot draining(double... drains) {
    List<PartitionLag> partitions = new ArrayList<>();
    for (int p = 0; p < drains.length; p++) {
      partitions.add(partition(p, 10, 5, LagSecondsSource.EXACT, drains[p], LagStatus.OK));
    }
    return new LagSnapshot(
        Instant.EPOCH,
        List.of(
            new GroupLag(
                "g", "STABLE", List.of(), LagStatus.OK, Duration.ofSeconds(60), partitions, null)));
  }

  @Test
  void tableListsPartitionsByLagDescendingWithHowSecondsWereObtained() {
    String table = LagReport.table(SNAPSHOT, false);
    List<String> rows =
        table.lines().filter(l -> l.startsWith("t ") || l.startsWith("TOPIC")).toList();
    assertThat(rows.get(0))
        .containsSubsequence(
            "TOPIC",
            "PARTITION",
            "COMMITTED",
            "END",
            "LAG",
            "LAG-SECONDS",
            "TIME-TO-DRAIN",
            "STATUS");
    assertThat(rows.subList(1, rows.size()))
        .satisfiesExactly(
            r ->
                assertThat(r)
                    .contains(" 120 ")
                    .contains("42.3")
                    .contains(" never ")
                    .endsWith("STALL"),
            r -> assertThat(r).contains(" 7 ").containsPattern(" - +- +OK$"),
            r -> assertThat(r).contains(" 5 ").contains("~1.5").contains(" 2.5 "),
            r -> assertThat(r).contains(" 0 ").containsPattern(" 0 +0 +OK$"));
    assertThat(table)
        .contains(
            "GROUP billing", "status STALL", "members 1", "objective 90 s", "time to drain never")
        .doesNotContain("\u001b[");
  }

  @Test
  void groupTimeToDrainIsItsSlowestPartitionOrUnknown() {
    assertThat(LagReport.table(draining(2.5, 12.25), false)).contains("time to drain 12.3 s");
    assertThat(LagReport.table(draining(2.5, Double.NaN), false)).contains("time to drain unknown");
    assertThat(LagReport.table(draining(0, 0), false)).contains("time to drain 0 s");
  }

  @Test
  void coloursStatusesOnlyWhenAsked() {
    assertThat(LagReport.table(SNAPSHOT, true)).contains("\u001b[31mSTALL\u001b[0m");
  }

  @Test
  void jsonCarriesEveryFieldAndUnknownSecondsAsNull() throws Exception {
    JsonNode root = new ObjectMapper().readTree(LagReport.json(SNAPSHOT, false));
    JsonNode group = root.get("groups").get(0);
    assertThat(root.get("takenAt").asText()).isEqualTo("2025-01-01T00:00:00Z");
    assertThat(group.get("status").asText()).isEqualTo("STALL");
    assertThat(group.get("statusCode").asInt()).isEqualTo(2);
    assertThat(group.get("maxLagRecords").asLong()).isEqualTo(120);
    assertThat(group.get("members").get(0).get("host").asText()).isEqualTo("10.0.0.7");
    JsonNode p1 = group.get("partitions").get(1);
    assertThat(p1.get("lagSeconds").asDouble()).isEqualTo(42.25);
    assertThat(p1.get("lagSecondsSource").asText()).isEqualTo("EXACT");
    assertThat(group.get("partitions").get(3).get("lagSeconds").isNull()).isTrue();
    assertThat(group.get("objectiveSeconds").asDouble()).isEqualTo(90.0);
    assertThat(group.get("timeToDrain").asText()).isEqualTo("NEVER");
    assertThat(group.get("timeToDrainSeconds").isNull()).isTrue();
    assertThat(p1.get("timeToDrain").asText()).isEqualTo("NEVER");
    JsonNode p0 = group.get("partitions").get(0);
    assertThat(p0.get("timeToDrain").asText()).isEqualTo("DRAINING");
    assertThat(p0.get("timeToDrainSeconds").asDouble()).isEqualTo(2.5);
    assertThat(group.get("partitions").get(3).get("timeToDrain").asText()).isEqualTo("UNKNOWN");
  }

  @Test
  void saysSoWhenThereAreNoGroups() {
    assertThat(LagReport.table(LagSnapshot.empty(), false)).contains("No consumer groups.");
  }
}
