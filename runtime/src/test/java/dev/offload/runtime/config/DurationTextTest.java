package dev.offload.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {

  @Test
  void parsesEveryUnitAndIso() {
    assertThat(DurationText.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationText.parse(" 30s ")).isEqualTo(Duration.ofSeconds(30));
    assertThat(DurationText.parse("10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(DurationText.parse("24h")).isEqualTo(Duration.ofHours(24));
    assertThat(DurationText.parse("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(DurationText.parse("0")).isEqualTo(Duration.ZERO);
    assertThat(DurationText.parse("pt1h")).isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(() -> DurationText.parse("dedup.retention", "a while"))
        .hasMessage("dedup.retention: not a duration (e.g. 500ms, 30s, 5m, 1h, PT1H): 'a while'");
  }

  @Test
  void formatsInTheLargestExactUnit() {
    assertThat(DurationText.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(DurationText.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(DurationText.format(Duration.ofMinutes(10))).isEqualTo("10m");
    assertThat(DurationText.format(Duration.ofHours(48))).isEqualTo("2d");
    assertThat(DurationText.format(Duration.ZERO)).isEqualTo("0");
    assertThat(DurationText.parse(DurationText.format(Duration.ofMillis(123_456))))
        .isEqualTo(Duration.ofMillis(123_456));
  }
}
