package dev.offload.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TerminalTest {

  @Test
  void coloursOnlyOnATerminalWithoutNoColor() {
    assertThat(Terminal.colourEnabled(true, null)).isTrue();
    assertThat(Terminal.colourEnabled(true, "")).isTrue();
    assertThat(Terminal.colourEnabled(true, "1")).isFalse();
    assertThat(Terminal.colourEnabled(false, null)).isFalse();
  }
}
