package dev.offload.embedded.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistryServerConfigTest {
  private static final RegistryServerConfig DEFAULTS = RegistryServerConfig.of("127.0.0.1:9092");

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
    assertRefused(() -> DEFAULTS.withPort(70_000), "port");
    assertRefused(() -> DEFAULTS.withPort(-1), "port");
    assertRefused(() -> DEFAULTS.withHost(" "), "host");
    assertRefused(() -> RegistryServerConfig.of(null), "bootstrapServers");
    assertRefused(() -> DEFAULTS.withTopic("has space"), "topic");
    assertRefused(() -> DEFAULTS.withTopic(".."), "topic");
    assertRefused(
        () -> DEFAULTS.withTimeouts(Duration.ZERO, Duration.ofSeconds(1)), "storeTimeout");
    assertRefused(() -> DEFAULTS.withTimeouts(Duration.ofSeconds(1), null), "startTimeout");
    assertRefused(
        () -> DEFAULTS.withKafkaProperties(Map.of("transactional.id", "mine")), "kafkaProperties");
  }

  @Test
  void kafkaPropertyValuesNeverShowInToString() {
    RegistryServerConfig config =
        DEFAULTS.withKafkaProperties(Map.of("sasl.jaas.config", "password=\"hunter2\""));

    assertThat(config.toString()).contains("sasl.jaas.config").doesNotContain("hunter2");
  }

  private static void assertRefused(Runnable build, String field) {
    assertThatThrownBy(build::run)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(field + ":");
  }
}
