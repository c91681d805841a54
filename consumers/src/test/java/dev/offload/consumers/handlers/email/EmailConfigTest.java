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
    assertThat(config.user()).isNull();
    assertThat(EmailConfig.builder("h", 25).user(" ").build().user()).as("empty: none").isNull();
    assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.sessionProperties())
        .containsEntry("mail.smtp.port", "2525")
        .containsEntry("mail.smtp.auth", "false")
        .containsEntry("mail.smtp.timeout", "10000");
  }

  @Test
  void theMailerChecksItsConfigurationNamingTheOffendingKey() {
    assertRejected(EmailConfig.builder(" ", 25), "email.host must not be blank");
    assertRejected(EmailConfig.builder("h", 0), "email.port must be between 1 and 65535, was: 0");
    assertRejected(
        EmailConfig.builder("smtp.example", 587).from("not an address"),
        "email.from is not a valid address");
    assertRejected(
        EmailConfig.builder("smtp.example", 587).connectTimeout(Duration.ZERO),
        "email.connect-timeout must be a positive duration");
    assertRejected(
        EmailConfig.builder("smtp.example", 587).password("secret"),
        "email.password is set but user is not");
    assertRejected(
        EmailConfig.builder("smtp.example", 587).linkBaseUrl("ftp://x"),
        "email.link-base-url must be an http(s) URL");
  }

  private static void assertRejected(EmailConfigBuilder config, String message) {
    assertThatThrownBy(() -> new SmtpMailer(config.build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void thePasswordIsNeverShownNorPutInSessionProperties() {
    EmailConfig config =
        EmailConfig.builder("smtp.example", 587)
            .user("mailer")
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
