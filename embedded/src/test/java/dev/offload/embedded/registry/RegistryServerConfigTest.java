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
  void theServerRefusesInvalidFieldsByNameBeforeItStarts() {
    assertRefused(builder().port(70_000), "port must be between 0 and 65535, was: 70000");
    assertRefused(builder().port(-1), "port must be between 0 and 65535");
    assertRefused(builder().host(" "), "host must not be blank");
    assertRefused(builder().bootstrapServers(null), "bootstrap-servers must not be blank");
    assertRefused(builder().topic("has space"), "topic: not a legal Kafka topic name");
    assertRefused(builder().topic(".."), "topic: not a legal Kafka topic name");
    assertRefused(builder().storeTimeout(Duration.ZERO), "store-timeout must be a positive");
    assertRefused(builder().startTimeout(null), "start-timeout must be a positive");
    assertThatThrownBy(() -> builder().kafkaProperties(Map.of("transactional.id", "mine")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("kafkaProperties:");
  }

  @Test
  void kafkaPropertyValuesNeverShowInToString() {
    RegistryServerConfig config =
        builder().kafkaProperties(Map.of("sasl.jaas.config", "password=\"hunter2\"")).build();

    assertThat(config.toString()).contains("sasl.jaas.config").doesNotContain("hunter2");
  }

  private static void assertRefused(RegistryServerConfigBuilder config, String message) {
    RegistryServerConfig built = config.build();
    assertThatThrownBy(() -> SchemaRegistryServer.start(built))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }
}
