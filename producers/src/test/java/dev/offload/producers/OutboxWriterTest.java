package dev.offload.producers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.schemas.outbox.OutboxMode;
import dev.offload.schemas.registry.InMemorySchemaRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutboxWriterTest {
  @Test
  void buildsInTableModeByDefault() {
    OutboxWriter writer =
        OutboxWriter.builder().registry(new InMemorySchemaRegistry()).producer("billing").build();

    assertThat(writer.mode()).isEqualTo(OutboxMode.TABLE);
  }

  @Test
  void refusesAMissingOrOverlongProducerAndATinyCacheTtl() {
    assertThatThrownBy(() -> OutboxWriter.builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("producer must not be blank");
    assertThatThrownBy(() -> OutboxWriter.builder().producer("p".repeat(256)).build())
        .hasMessage("producer must be at most 255 characters, was: 256");
    assertThatThrownBy(() -> OutboxWriter.builder().schemaCacheTtl(Duration.ZERO))
        .hasMessage("schemaCacheTtl must be at least 1 ms, was: PT0S");
  }
}
