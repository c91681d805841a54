package dev.offload.consumers.handlers.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.schemas.events.PasswordResetRequested;
import dev.offload.schemas.events.UserSignedUp;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class EmailTemplatesTest {
  private final EmailTemplates templates = new EmailTemplates("https://app.example/start");

  @Test
  void theWelcomeMailGreetsByNameInTextAndEscapesItInHtml() {
    EmailMessage mail = templates.welcome(signup("<b>Tom & \"Jerry\"</b>", null));

    assertThat(mail.to()).isEqualTo("tom@example.com");
    assertThat(mail.subject()).isEqualTo("Welcome to Offload, <b>Tom & \"Jerry\"</b>");
    assertThat(mail.text()).contains("Hello <b>Tom & \"Jerry\"</b>,");
    assertThat(mail.html())
        .contains("Hello &lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;,")
        .doesNotContain("<b>Tom")
        .contains("href=\"https://app.example/start\"");
    assertThat(mail.locale()).isEqualTo("en");
  }

  @Test
  void theEventLocalePicksTheLanguageAndUnknownOnesFallBackToEnglish() {
    Locale before = Locale.getDefault();
    Locale.setDefault(Locale.GERMAN);
    try {
      assertThat(templates.welcome(signup("Anna", "de-AT")).subject())
          .isEqualTo("Willkommen bei Offload, Anna");
      assertThat(templates.welcome(signup("Anne", "fr")).text()).contains("Bonjour Anne");
      assertThat(templates.welcome(signup("Ann", "ja")).subject())
          .isEqualTo("Welcome to Offload, Ann");
      assertThat(templates.welcome(signup("Ann", "  ")).locale()).isEqualTo("en");
      assertThat(EmailTemplates.resolve("de-AT").getLanguage()).isEqualTo("de");
    } finally {
      Locale.setDefault(before);
    }
  }

  @Test
  void theResetMailCarriesTheEscapedLinkAndTheExpiryInUtc() {
    PasswordResetRequested reset =
        new PasswordResetRequested(
            "u1",
            "ann@example.com",
            "https://app.example/reset?token=a1&user=u1",
            Instant.parse("2030-05-06T07:08:09Z"));

    EmailMessage mail = templates.passwordReset(reset);

    assertThat(mail.subject()).isEqualTo("Reset your Offload password");
    assertThat(mail.text()).contains("https://app.example/reset?token=a1&user=u1");
    assertThat(mail.html()).contains("href=\"https://app.example/reset?token=a1&amp;user=u1\"");
    assertThat(mail.text()).contains("2030").contains("UTC");
    assertThat(templates.passwordReset(reset, "de").text()).contains("Der Link gilt bis");
  }

  @Test
  void aResetLinkThatIsNotHttpIsRejectedAndSubjectsCannotInjectHeaders() {
    PasswordResetRequested reset =
        new PasswordResetRequested("u1", "a@example.com", "javascript:alert(1)", Instant.EPOCH);
    assertThatThrownBy(() -> templates.passwordReset(reset))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http");

    assertThat(templates.welcome(signup("Eve\r\nBcc: x@evil.example", null)).subject())
        .doesNotContain("\r")
        .doesNotContain("\n");
  }

  private static UserSignedUp signup(String name, String locale) {
    return new UserSignedUp("u1", "tom@example.com", name, locale);
  }
}
