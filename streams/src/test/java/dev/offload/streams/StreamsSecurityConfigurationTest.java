package dev.offload.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.schemas.kafka.KafkaClientSecurity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamsSecurityConfigurationTest {
  private static final String JAAS =
      "org.apache.kafka.common.security.scram.ScramLoginModule required"
          + " username=\"offload-streams\" password=\"streams-secret-1\";";

  @TempDir Path dir;

  @Test
  void theFileSectionReachesTheStreamsAndAdminProperties() throws Exception {
    Path jaas = Files.writeString(dir.resolve("jaas.conf"), JAAS);
    String yaml =
        "kafka:\n"
            + "  bootstrap-servers: kafka:9093\n"
            + "  security:\n"
            + "    protocol: SASL_PLAINTEXT\n"
            + "    sasl-jaas-config-file: "
            + jaas
            + "\n";

    StreamsConfiguration settings = StreamsConfiguration.LOADER.parse(yaml, Map.of());
    Properties p = settings.toProperties("offload-router", dir.resolve("state"), null);

    assertThat(p)
        .containsEntry("security.protocol", "SASL_PLAINTEXT")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
    assertThat(((Password) p.get("sasl.jaas.config")).value()).isEqualTo(JAAS);
    assertThat(settings.adminProperties())
        .containsEntry("bootstrap.servers", "kafka:9093")
        .containsEntry("security.protocol", "SASL_PLAINTEXT");
    assertThat(settings.toString()).doesNotContain("streams-secret-1");
  }

  @Test
  void theEnvironmentOverridesTheFileAndPlaintextAddsNothingSecret() throws Exception {
    Path jaas = Files.writeString(dir.resolve("jaas.conf"), JAAS);
    StreamsConfiguration settings =
        StreamsConfiguration.LOADER.parse(
            "kafka: {security: {protocol: SASL_SSL, sasl-jaas-config-file: /nowhere}}",
            Map.of(
                KafkaClientSecurity.PROTOCOL_ENV, "SASL_PLAINTEXT",
                KafkaClientSecurity.MECHANISM_ENV, "SCRAM-SHA-256",
                KafkaClientSecurity.JAAS_FILE_ENV, jaas.toString()));

    assertThat(settings.kafka().clientSecurity())
        .isEqualTo(KafkaClientSecurity.sasl("SASL_PLAINTEXT", "SCRAM-SHA-256", jaas));
    assertThat(StreamsConfiguration.LOADER.defaults(Map.of()).toProperties("a", dir, null))
        .containsEntry("security.protocol", "PLAINTEXT")
        .doesNotContainKey("sasl.jaas.config");
  }

  @Test
  void anUnknownSecurityKeyIsNamed() {
    assertThatThrownBy(
            () -> StreamsConfiguration.LOADER.parse("kafka: {security: {password: x}}", Map.of()))
        .hasMessageContaining("kafka.security.password");
  }
}
