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
    assertThat(
            OpsServerConfig.builder("k:9092")
                .groups(Set.of("g"))
                .build()
                .lagMonitorConfig()
                .groups())
        .containsExactly("g");
  }

  @Test
  void namesTheFieldThatIsWrong() {
    assertThatThrownBy(() -> builder().host(" ").build()).hasMessage("host must not be blank");
    assertThatThrownBy(() -> builder().port(70_000).build())
        .hasMessage("port must be between 0 and 65535, was: 70000");
    assertThatThrownBy(() -> OpsServerConfig.defaults(""))
        .hasMessage("bootstrapServers must not be blank");
    assertThatThrownBy(() -> builder().lagInterval(Duration.ZERO).build())
        .hasMessage("lagInterval must be a positive duration, was: PT0S");
    assertThatThrownBy(() -> builder().history(Duration.ofSeconds(1)).build())
        .hasMessage("history must be at least lagInterval (PT5S), was PT1S");
    assertThatThrownBy(() -> builder().newestDeadLetters(0).build())
        .hasMessage("newestDeadLetters must be between 1 and 1000, was 0");
    assertThatThrownBy(() -> builder().groups(Set.of("")).build())
        .hasMessageStartingWith("groups must not");
  }

  private static OpsServerConfigBuilder builder() {
    return OpsServerConfig.builder("127.0.0.1:9092");
  }
}
