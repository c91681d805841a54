package dev.offload.ops.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.schemas.config.ConfigChecks;
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
    LagMonitorConfig c = LagMonitorConfig.builder("127.0.0.1:9092").objectives(o).build();
    assertThat(c.objectives().objectiveOf("offload-worker-analytics"))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(c.objectives().objectiveOf("offload-worker-email")).isEqualTo(Duration.ofMinutes(2));
    assertThatThrownBy(() -> o.withGroup("g", Duration.ZERO)).hasMessageContaining("groups[g]");
    assertThatThrownBy(() -> o.withFallback(Duration.ofSeconds(-1)))
        .hasMessageContaining("fallback");
    assertThatThrownBy(
            () -> LagMonitor.create(LagMonitorConfig.builder("k:9092").objectives(null).build()))
        .hasMessage("objectives must not be null");
  }

  @Test
  void namesTheFieldThatIsWrong() {
    LagMonitorConfigBuilder c = LagMonitorConfig.builder("127.0.0.1:9092");
    assertThatThrownBy(() -> ConfigChecks.check(c.windowSize(1).build()))
        .hasMessage("window-size must be at least 2, was: 1");
    assertThatThrownBy(() -> ConfigChecks.check(c.windowSize(2).interval(Duration.ZERO).build()))
        .hasMessage("interval must be a positive duration, was: PT0S");
    assertThatThrownBy(() -> c.interval(Duration.ofSeconds(1)).groups(Set.of(" ")).build())
        .hasMessage("groups must not be blank");
    assertThatThrownBy(() -> LagMonitor.create(LagMonitorConfig.defaults("")))
        .hasMessage("bootstrap-servers must not be blank");
  }
}
