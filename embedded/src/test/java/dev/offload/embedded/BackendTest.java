package dev.offload.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BackendTest {

  @Test
  void autoChoosesContainersOnlyWhenDockerAnswers() {
    assertThat(Backend.select(null, () -> true)).isEqualTo(Backend.CONTAINERS);
    assertThat(Backend.select(null, () -> false)).isEqualTo(Backend.EMBEDDED);
    assertThat(Backend.select("auto", () -> true)).isEqualTo(Backend.CONTAINERS);
    assertThat(Backend.select(" AUTO ", () -> false)).isEqualTo(Backend.EMBEDDED);
  }

  @Test
  void anExplicitChoiceNeverAsksDocker() {
    AtomicInteger asked = new AtomicInteger();
    assertThat(Backend.select("embedded", () -> asked.incrementAndGet() > 0))
        .isEqualTo(Backend.EMBEDDED);
    assertThat(Backend.select("containers", () -> asked.incrementAndGet() < 0))
        .isEqualTo(Backend.CONTAINERS);
    assertThat(asked).hasValue(0);
  }

  @Test
  void anUnknownSettingIsRefusedWithTheVariableName() {
    assertThatThrownBy(() -> Backend.select("docker", () -> true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("OFFLOAD_TEST_BACKEND")
        .hasMessageContaining("'docker'");
  }
}
