package dev.offload.ops.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LagMonitorConfigTest {

  @Test
  void defaultsAreDocumentedOnes() {
    LagMonitorConfig c = LagMonitorConfig.defaults("127.0.0.1:9092");
    assertThat(c.groups()).isEmpty();
    assertThat(c.interval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.windowSize()).isEqualTo(10);
    assertThat(c.exactReads()).isTrue();
    assertThat(c.objectives().objectiveOf("any-group")).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void aGroupsOwnObjectiveOverridesTheFallback() {
    LagObjectives o =
        LagObjectives.everyGroup(Duration.ofMinutes(2))
            .withGroup("offload-worker-analytics", Duration.ofSeconds(30));
    LagMonitorConfig c = LagMonitorConfig.defaults("127.0.0.1:9092").withObjectives(o);
    assertThat(c.objectives().objectiveOf("offload-worker-analytics"))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(c.objectives().objectiveOf("offload-worker-email")).isEqualTo(Duration.ofMinutes(2));
    assertThatThrownBy(() -> o.withGroup("g", Duration.ZERO)).hasMessageContaining("groups[g]");
    assertThatThrownBy(() -> o.withFallback(Duration.ofSeconds(-1)))
        .hasMessageContaining("fallback");
    assertThatThrownBy(() -> c.withObjectives(null)).hasMessageContaining("objectives");
  }

  @Test
  void namesTheFieldThatIsWrong() {
    LagMonitorConfig c = LagMonitorConfig.defaults("127.0.0.1:9092");
    assertThatThrownBy(() -> c.withWindowSize(1)).hasMessageContaining("windowSize");
    assertThatThrownBy(() -> c.withInterval(Duration.ZERO)).hasMessageContaining("interval");
    assertThatThrownBy(() -> c.withGroups(Set.of(" "))).hasMessageContaining("groups");
    assertThatThrownBy(() -> LagMonitorConfig.defaults(""))
        .hasMessageContaining("bootstrapServers");
  }
}
