package dev.offload.schemas.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientSecurityTest {
  private static final String JAAS =
      "org.apache.kafka.common.security.scram.ScramLoginModule required"
          + " username=\"offload-ops\" password=\"s3cr3t-jaas\";";

  @TempDir Path dir;

  @Test
  void defaultsArePlaintextWithNoFurtherProperties() {
    KafkaClientSecurity security = KafkaClientSecurity.fromEnvironment(Map.of());

    assertThat(security.isPlaintext()).isTrue();
    assertThat(security.clientProperties())
        .containsExactly(Map.entry("security.protocol", "PLAINTEXT"));
  }

  @Test
  void saslFromTheEnvironmentReadsTheJaasFileAsAHiddenPassword() throws Exception {
    Path jaas = Files.writeString(dir.resolve("jaas.conf"), JAAS + "\n");
    Path store = Files.writeString(dir.resolve("truststore.p12"), "not read here");
    Path storePassword = Files.writeString(dir.resolve("truststore.password"), "st0re-pass");
    KafkaClientSecurity security =
        KafkaClientSecurity.fromEnvironment(
            Map.of(
                KafkaClientSecurity.PROTOCOL_ENV, "sasl_ssl",
                KafkaClientSecurity.JAAS_FILE_ENV, jaas.toString(),
                KafkaClientSecurity.TRUSTSTORE_ENV, store.toString(),
                KafkaClientSecurity.TRUSTSTORE_PASSWORD_FILE_ENV, storePassword.toString()));

    Map<String, Object> p = security.clientProperties();

    assertThat(p)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("ssl.truststore.location", store.toString())
        .containsEntry("ssl.truststore.type", "PKCS12");
    assertThat(((Password) p.get("sasl.jaas.config")).value()).isEqualTo(JAAS);
    assertThat(((Password) p.get("ssl.truststore.password")).value()).isEqualTo("st0re-pass");
    assertThat(p.toString()).doesNotContain("s3cr3t-jaas").doesNotContain("st0re-pass");
    assertThat(security.toString())
        .contains("SASL_SSL", "SCRAM-SHA-512", jaas.toString())
        .doesNotContain("s3cr3t-jaas")
        .doesNotContain("st0re-pass");
  }

  @Test
  void kafkaAcceptsTheHiddenValuesAndLogsThemHidden() throws Exception {
    Path jaas = Files.writeString(dir.resolve("jaas.conf"), JAAS);
    Properties props =
        KafkaClientSecurity.sasl("SASL_PLAINTEXT", "SCRAM-SHA-256", jaas).applyTo(new Properties());
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
    props.put(
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
        "org.apache.kafka.common.serialization.StringSerializer");
    props.put(
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
        "org.apache.kafka.common.serialization.StringSerializer");

    ProducerConfig config = new ProducerConfig(props);

    assertThat(config.getPassword("sasl.jaas.config").value()).isEqualTo(JAAS);
    assertThat(config.getString("sasl.mechanism")).isEqualTo("SCRAM-SHA-256");
    assertThat(config.values().toString()).doesNotContain("s3cr3t-jaas");
  }

  @Test
  void asTextTheSecretsArePlainForConfigurationsThatHideValues() throws Exception {
    Path jaas = Files.writeString(dir.resolve("jaas.conf"), JAAS);

    assertThat(KafkaClientSecurity.sasl("SASL_SSL", null, jaas).clientPropertiesAsText())
        .containsExactly(
            Map.entry("security.protocol", "SASL_SSL"),
            Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
            Map.entry("sasl.jaas.config", JAAS));
  }

  @Test
  void theEnvironmentOverridesTheFileSection() throws Exception {
    Path jaas = Files.writeString(dir.resolve("jaas.conf"), JAAS);
    KafkaClientSecurity security =
        KafkaClientSecurity.from(
            Map.of("protocol", "SASL_SSL", "sasl-mechanism", "PLAIN", "sasl-jaas-config-file", "x"),
            Map.of(
                KafkaClientSecurity.PROTOCOL_ENV,
                "SASL_PLAINTEXT",
                KafkaClientSecurity.JAAS_FILE_ENV,
                jaas.toString()));

    assertThat(security.protocol()).isEqualTo("SASL_PLAINTEXT");
    assertThat(security.saslMechanism()).isEqualTo("PLAIN");
    assertThat(security.jaasConfigFile()).isEqualTo(jaas);
  }

  @Test
  void invalidCombinationsNameTheSetting() {
    assertThatThrownBy(
            () ->
                KafkaClientSecurity.fromEnvironment(
                    Map.of(KafkaClientSecurity.PROTOCOL_ENV, "TLS")))
        .hasMessageContaining(
            "kafka.security.protocol (OFFLOAD_KAFKA_SECURITY_PROTOCOL) must be one of");
    assertThatThrownBy(
            () ->
                KafkaClientSecurity.fromEnvironment(
                    Map.of(KafkaClientSecurity.PROTOCOL_ENV, "SASL_SSL")))
        .hasMessageContaining(
            "kafka.security.sasl-jaas-config-file (OFFLOAD_KAFKA_SASL_JAAS_CONFIG_FILE) is"
                + " required");
    assertThatThrownBy(() -> KafkaClientSecurity.sasl("SASL_SSL", "GSSAPI", dir.resolve("j")))
        .hasMessageContaining(
            "kafka.security.sasl-mechanism (OFFLOAD_KAFKA_SASL_MECHANISM) must be");
    assertThatThrownBy(() -> new KafkaClientSecurity("PLAINTEXT", null, null, dir, null))
        .hasMessageContaining(
            "kafka.security.ssl-truststore-location (OFFLOAD_KAFKA_SSL_TRUSTSTORE_LOCATION) needs"
                + " protocol SSL or SASL_SSL");
    assertThatThrownBy(() -> KafkaClientSecurity.sasl("PLAINTEXT", "PLAIN", dir.resolve("j")))
        .hasMessageContaining("kafka.security.sasl-mechanism (OFFLOAD_KAFKA_SASL_MECHANISM) and")
        .hasMessageContaining("need a SASL protocol; protocol is PLAINTEXT");
    assertThatThrownBy(() -> new KafkaClientSecurity("SSL", null, null, null, dir))
        .hasMessageContaining(
            "kafka.security.ssl-truststore-password-file"
                + " (OFFLOAD_KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE) needs ssl-truststore-location");
    assertThatThrownBy(() -> KafkaClientSecurity.from(Map.of("password", "x"), Map.of()))
        .hasMessageContaining("kafka.security.password: unknown setting");
  }

  @Test
  void anUnreadableSecretFileIsNamedWithoutContent() {
    Path missing = dir.resolve("missing-jaas.conf");
    KafkaClientSecurity security = KafkaClientSecurity.sasl("SASL_PLAINTEXT", null, missing);

    assertThatThrownBy(security::clientProperties)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining(KafkaClientSecurity.JAAS_FILE_ENV);
  }
}
