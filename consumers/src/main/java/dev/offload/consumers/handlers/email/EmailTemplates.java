package dev.offload.consumers.handlers.email;

import dev.offload.schemas.events.PasswordResetRequested;
import dev.offload.schemas.events.UserSignedUp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.ResourceBundle;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mails of the email handler: a welcome mail for {@code user-signed-up} and a reset link for
 * {@code password-reset-requested}, each as plain text and HTML.
 *
 * <p>Texts come from the resource bundle {@code dev/offload/consumers/handlers/email/messages}
 * (English, German, French); the event's {@code locale} picks the language and English is the
 * fallback for a missing or unknown one, whatever the JVM's default locale. Values inserted into
 * the HTML body are HTML-escaped; subjects carry no markup. Thread-safe.
 */
public final class EmailTemplates {
  /** The language used when an event has none or one without texts. */
  public static final Locale FALLBACK = Locale.ENGLISH;

  private static final String BUNDLE = "dev.offload.consumers.handlers.email.messages";
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-zA-Z]+)}");
  private static final ResourceBundle.Control NO_DEFAULT_LOCALE =
      ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);

  private final String linkBaseUrl;

  /** Templates whose welcome mail links to {@code linkBaseUrl}. */
  public EmailTemplates(String linkBaseUrl) {
    this.linkBaseUrl = linkBaseUrl;
  }

  /** The welcome mail for a new user. */
  public EmailMessage welcome(UserSignedUp event) {
    ResourceBundle texts = bundle(event.getLocale());
    Map<String, String> values = Map.of("name", event.getName(), "link", linkBaseUrl);
    return render(event.getEmail(), "welcome", texts, values);
  }

  /** The mail with a password reset link, in the fallback language (the event has no locale). */
  public EmailMessage passwordReset(PasswordResetRequested event) {
    return passwordReset(event, null);
  }

  /**
   * The mail with a password reset link in the language of {@code localeTag}.
   *
   * @throws IllegalArgumentException when the link is not an http(s) URL
   */
  public EmailMessage passwordReset(PasswordResetRequested event, String localeTag) {
    String url = event.getResetUrl();
    if (!url.startsWith("https://") && !url.startsWith("http://")) {
      throw new IllegalArgumentException("resetUrl must be an http(s) URL");
    }
    ResourceBundle texts = bundle(localeTag);
    Map<String, String> values =
        Map.of(
            "link", event.getResetUrl(),
            "expires", formatTime(event.getExpiresAt(), texts.getLocale()));
    return render(event.getEmail(), "reset", texts, values);
  }

  private EmailMessage render(
      String to, String prefix, ResourceBundle texts, Map<String, String> values) {
    // a value must not break out of the Subject header
    String subject =
        fill(texts.getString(prefix + ".subject"), values, false).replaceAll("\\p{Cntrl}", " ");
    String text = fill(texts.getString(prefix + ".text"), values, false);
    String html = fill(texts.getString(prefix + ".html"), values, true);
    return new EmailMessage(to, subject, text, html, localeOf(texts).toLanguageTag());
  }

  /** The locale whose texts are used for {@code tag}: the tag's language, else the fallback. */
  public static Locale resolve(String tag) {
    return localeOf(bundle(tag));
  }

  private static ResourceBundle bundle(String tag) {
    Locale wanted = tag == null || tag.isBlank() ? FALLBACK : Locale.forLanguageTag(tag.trim());
    try {
      return ResourceBundle.getBundle(BUNDLE, wanted, NO_DEFAULT_LOCALE);
    } catch (MissingResourceException e) {
      throw new IllegalStateException("the email texts are missing from the classpath", e);
    }
  }

  private static Locale localeOf(ResourceBundle texts) {
    Locale locale = texts.getLocale();
    return locale == null || locale.getLanguage().isEmpty() ? FALLBACK : locale;
  }

  private static String formatTime(Instant time, Locale locale) {
    return DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM)
            .withLocale(locale == null || locale.getLanguage().isEmpty() ? FALLBACK : locale)
            .withZone(ZoneOffset.UTC)
            .format(time)
        + " UTC";
  }

  /** Replaces each {@code {name}} by its value, escaped for HTML when {@code html}. */
  static String fill(String template, Map<String, String> values, boolean html) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder(template.length() + 64);
    while (m.find()) {
      String value = values.get(m.group(1));
      if (value == null) {
        throw new IllegalStateException("no value for placeholder " + m.group());
      }
      m.appendReplacement(out, Matcher.quoteReplacement(html ? escapeHtml(value) : value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Escapes the five characters that matter in HTML text and attribute values. */
  public static String escapeHtml(String value) {
    StringBuilder out = new StringBuilder(value.length() + 16);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
