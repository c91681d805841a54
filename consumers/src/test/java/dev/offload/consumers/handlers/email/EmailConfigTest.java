package dev.offload.consumers.handlers.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EmailConfigTest {

  @Test
  void defaultsRunAgainstAPlainLocalServer() {
    EmailConfig config = EmailConfig.defaults("127.0.0.1", 2525);
    assertThat(config.tls()).isFalse();
    assertThat(config.username()).isNull();
    assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.sessionProperties())
        .containsEntry("mail.smtp.port", "2525")
        .containsEntry("mail.smtp.auth", "false")
        .containsEntry("mail.smtp.timeout", "10000");
  }

  @Test
  void theValidationNamesTheOffendingField() {
    assertThatThrownBy(() -> EmailConfig.defaults(" ", 25)).hasMessageContaining("email.host");
    assertThatThrownBy(() -> EmailConfig.defaults("h", 0)).hasMessageContaining("email.port");
    assertThatThrownBy(
            () -> EmailConfig.builder("smtp.example", 587).from("not an address").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("email.from");
    assertThatThrownBy(
            () -> EmailConfig.builder("smtp.example", 587).connectTimeout(Duration.ZERO).build())
        .hasMessageContaining("email.connectTimeout");
    assertThatThrownBy(() -> EmailConfig.builder("smtp.example", 587).password("secret").build())
        .hasMessageContaining("email.password");
    assertThatThrownBy(
            () -> EmailConfig.builder("smtp.example", 587).linkBaseUrl("ftp://x").build())
        .hasMessageContaining("linkBaseUrl");
  }

  @Test
  void thePasswordIsNeverShownNorPutInSessionProperties() {
    EmailConfig config =
        EmailConfig.builder("smtp.example", 587)
            .username("mailer")
            .password("s3cr3t")
            .tls(true)
            .build();
    assertThat(config.toString()).doesNotContain("s3cr3t").contains("password=***");
    assertThat(config.sessionProperties().values()).doesNotContain("s3cr3t");
    assertThat(config.sessionProperties())
        .containsEntry("mail.smtp.auth", "true")
        .containsEntry("mail.smtp.starttls.required", "true");
  }
}
