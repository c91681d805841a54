package dev.offload.producers.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class TraceparentTest {
  private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  @Test
  void keepsAValidHeader() {
    assertThat(Traceparent.resolve(VALID)).isEqualTo(VALID);
  }

  @Test
  void readsALaterVersionAsVersion00() {
    String later = "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-comes-next";

    assertThat(Traceparent.resolve(later)).isEqualTo(VALID);
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(
      strings = {
        "",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01"
      })
  void replacesAnInvalidHeaderWithANewTrace(String header) {
    String resolved = Traceparent.resolve(header);

    assertThat(resolved).isNotEqualTo(header);
    assertThat(Traceparent.isValid(resolved)).isTrue();
    assertThat(resolved).hasSize(55).startsWith("00-");
  }

  @Test
  void newTracesDiffer() {
    assertThat(Traceparent.generate()).isNotEqualTo(Traceparent.generate());
  }
}
