package dev.offload.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LagObjectiveOptionTest {
  private final CommandLine cli = Offload.commandLine();

  @Test
  void aDurationSetsEveryGroupAndGroupEqualsDurationOneGroup() {
    var objectives = LagObjectiveOption.parse(List.of("2m", "offload-worker-analytics=30s"), cli);
    assertThat(objectives.objectiveOf("offload-worker-analytics"))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(objectives.objectiveOf("offload-worker-email")).isEqualTo(Duration.ofMinutes(2));
    assertThat(LagObjectiveOption.parse(List.of(), cli).objectiveOf("any"))
        .isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void aValueThatIsNoDurationIsAUsageErrorNamingTheOption() {
    assertThatThrownBy(() -> LagObjectiveOption.parse(List.of("g=soon"), cli))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--objective 'g=soon'");
    assertThatThrownBy(() -> LagObjectiveOption.parse(List.of("=30s"), cli))
        .hasMessageContaining("blank group id");
    assertThatThrownBy(() -> LagObjectiveOption.parse(List.of("0s"), cli))
        .hasMessageContaining("positive");
  }

  @Test
  void lagAndOpsTakeTheOptionAndRefuseABadValueBeforeConnecting() {
    for (String command : new String[] {"lag", "ops"}) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CommandLine c = Offload.commandLine();
      c.setOut(new PrintWriter(out));
      c.setErr(new PrintWriter(err));
      assertThat(c.execute(command, "--help")).isZero();
      assertThat(out.toString()).as(command).contains("--objective");
      assertThat(c.execute(command, "--objective", "soon", "-b", "127.0.0.1:1"))
          .as(command)
          .isEqualTo(2);
      assertThat(err.toString()).as(command).contains("--objective 'soon'");
    }
  }
}
