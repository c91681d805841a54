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
