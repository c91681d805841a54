package dev.offload.ops.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpsServerConfigTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    OpsServerConfig c = OpsServerConfig.defaults("127.0.0.1:9092");
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(8090);
    assertThat(c.lagInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.history()).isEqualTo(Duration.ofMinutes(15));
    assertThat(c.newestDeadLetters()).isEqualTo(10);
    assertThat(c.groups()).isEmpty();
    assertThat(c.lagMonitorConfig().interval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.withGroups(Set.of("g")).lagMonitorConfig().groups()).containsExactly("g");
  }

  @Test
  void namesTheFieldThatIsWrong() {
    OpsServerConfig c = OpsServerConfig.defaults("127.0.0.1:9092");
    assertThatThrownBy(() -> c.withHost(" ")).hasMessage("host must not be blank");
    assertThatThrownBy(() -> c.withPort(70_000))
        .hasMessage("port must be between 0 and 65535, was 70000");
    assertThatThrownBy(() -> OpsServerConfig.defaults(""))
        .hasMessage("bootstrapServers must not be blank");
    assertThatThrownBy(() -> c.withLagInterval(Duration.ZERO))
        .hasMessage("lagInterval must be a positive duration, was PT0S");
    assertThatThrownBy(() -> c.withHistory(Duration.ofSeconds(1)))
        .hasMessage("history must be at least lagInterval (PT5S), was PT1S");
    assertThatThrownBy(() -> c.withNewestDeadLetters(0))
        .hasMessage("newestDeadLetters must be between 1 and 1000, was 0");
    assertThatThrownBy(() -> c.withGroups(Set.of(""))).hasMessageStartingWith("groups must not");
  }
}
