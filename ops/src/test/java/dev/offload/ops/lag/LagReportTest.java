package dev.offload.ops.lag;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.offload.ops.GroupMember;
import java.time.Instant;
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
                  List.of(
                      partition(0, 5, 1.5, LagSecondsSource.INTERPOLATED, LagStatus.OK),
                      partition(1, 120, 42.25, LagSecondsSource.EXACT, LagStatus.STALL),
                      partition(2, 0, 0, LagSecondsSource.NONE, LagStatus.OK),
                      partition(3, 7, Double.NaN, LagSecondsSource.UNKNOWN, LagStatus.OK)),
                  null)));

  private static PartitionLag partition(
      int p, long lag, double seconds, LagSecondsSource source, LagStatus status) {
    return new PartitionLag("t", p, 100, 100 + lag, lag, seconds, source, status, null, null);
  }

  @Test
  void tableListsPartitionsByLagDescendingWithHowSecondsWereObtained() {
    String table = LagReport.table(SNAPSHOT, false);
    List<String> rows =
        table.lines().filter(l -> l.startsWith("t ") || l.startsWith("TOPIC")).toList();
    assertThat(rows.get(0))
        .containsSubsequence(
            "TOPIC", "PARTITION", "COMMITTED", "END", "LAG", "LAG-SECONDS", "STATUS");
    assertThat(rows.subList(1, rows.size()))
        .satisfiesExactly(
            r -> assertThat(r).contains(" 120 ").contains("42.3").endsWith("STALL"),
            r -> assertThat(r).contains(" 7 ").contains(" - "),
            r -> assertThat(r).contains(" 5 ").contains("~1.5"),
            r -> assertThat(r).contains(" 0 ").endsWith("OK"));
    assertThat(table)
        .contains("GROUP billing", "status STALL", "members 1")
        .doesNotContain("\u001b[");
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
  }

  @Test
  void saysSoWhenThereAreNoGroups() {
    assertThat(LagReport.table(LagSnapshot.empty(), false)).contains("No consumer groups.");
  }
}
