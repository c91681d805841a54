package dev.offload.embedded.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistryServerConfigTest {
  private static final RegistryServerConfig DEFAULTS = RegistryServerConfig.of("127.0.0.1:9092");

  private static RegistryServerConfigBuilder builder() {
    return RegistryServerConfig.builder("127.0.0.1:9092");
  }

  @Test
  void defaultsAreConfluentsPortAndTopicOnLoopback() {
    assertThat(DEFAULTS.host()).isEqualTo("127.0.0.1");
    assertThat(DEFAULTS.port()).isEqualTo(8081);
    assertThat(DEFAULTS.topic()).isEqualTo("_schemas");
    assertThat(DEFAULTS.storeTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(DEFAULTS.kafkaProperties()).isEmpty();
  }

  @Test
  void invalidFieldsAreRefusedByName() {
    assertRefused(() -> builder().port(70_000).build(), "port");
    assertRefused(() -> builder().port(-1).build(), "port");
    assertRefused(() -> builder().host(" ").build(), "host");
    assertRefused(() -> RegistryServerConfig.of(null), "bootstrapServers");
    assertRefused(() -> builder().topic("has space").build(), "topic");
    assertRefused(() -> builder().topic("..").build(), "topic");
    assertRefused(() -> builder().storeTimeout(Duration.ZERO).build(), "storeTimeout");
    assertRefused(() -> builder().startTimeout(null).build(), "startTimeout");
    assertRefused(
        () -> builder().kafkaProperties(Map.of("transactional.id", "mine")).build(),
        "kafkaProperties");
  }

  @Test
  void kafkaPropertyValuesNeverShowInToString() {
    RegistryServerConfig config =
        builder().kafkaProperties(Map.of("sasl.jaas.config", "password=\"hunter2\"")).build();

    assertThat(config.toString()).contains("sasl.jaas.config").doesNotContain("hunter2");
  }

  private static void assertRefused(Runnable build, String field) {
    assertThatThrownBy(build::run)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(field + ":");
  }
}
