package dev.offload.consumers.handlers.email;

import java.util.Objects;

/**
 * One rendered mail: its recipient, subject and both bodies.
 *
 * @param to the recipient's address
 * @param subject the subject line, plain text
 * @param text the plain-text body
 * @param html the HTML body, every inserted value escaped
 * @param locale the BCP 47 tag of the language it was rendered in
 */
public record EmailMessage(String to, String subject, String text, String html, String locale) {

  /** Requires every part. */
  public EmailMessage {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(html, "html");
    Objects.requireNonNull(locale, "locale");
  }
}
