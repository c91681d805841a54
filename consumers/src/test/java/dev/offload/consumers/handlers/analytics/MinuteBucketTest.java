package dev.offload.consumers.handlers.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class MinuteBucketTest {

  @Test
  void viewsFallIntoTheWholeUtcMinuteThatHoldsThem() {
    assertThat(MinuteBucket.of(Instant.parse("2030-01-01T10:15:00Z")))
        .isEqualTo(Instant.parse("2030-01-01T10:15:00Z"));
    assertThat(MinuteBucket.of(Instant.parse("2030-01-01T10:15:59.999Z")))
        .isEqualTo(Instant.parse("2030-01-01T10:15:00Z"));
    assertThat(MinuteBucket.of(Instant.parse("2030-01-01T10:16:00.001Z")))
        .isEqualTo(Instant.parse("2030-01-01T10:16:00Z"));
  }

  @Test
  void theOccurrenceTimeWinsAndTheHandlingTimeIsTheFallback() {
    Instant occurred = Instant.parse("2030-01-01T10:15:30Z");
    Instant handled = Instant.parse("2030-01-01T11:00:30Z");
    assertThat(MinuteBucket.of(occurred, handled)).isEqualTo(Instant.parse("2030-01-01T10:15:00Z"));
    assertThat(MinuteBucket.of(null, handled)).isEqualTo(Instant.parse("2030-01-01T11:00:00Z"));
  }
}
