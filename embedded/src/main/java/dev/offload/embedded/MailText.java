package dev.offload.embedded;

import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The text of a received mail as a reader sees it: transfer encodings and charsets decoded, the
 * {@code text/plain} part of a multipart mail (at any depth) preferred, else its {@code text/html}
 * part with the markup stripped; line ends as {@code \n}, surrounding blanks trimmed.
 */
final class MailText {
  private static final Pattern DROPPED =
      Pattern.compile("(?is)<(head|style|script)\\b.*?</\\1\\s*>|<!--.*?-->");
  private static final Pattern BREAKS =
      Pattern.compile("(?i)<br\\s*/?>|</(p|div|h[1-6]|li|tr)\\s*>");
  private static final Pattern TAGS = Pattern.compile("<[^>]*>");
  private static final Pattern BLANK_LINES = Pattern.compile("\\n[ \\t]*(\\n[ \\t]*)+");

  private MailText() {}

  /** The readable text of {@code part}, or an empty string when it has no text part. */
  static String of(Part part) throws MessagingException, IOException {
    String plain = first(part, "text/plain");
    if (plain != null) {
      return tidy(plain);
    }
    String html = first(part, "text/html");
    return html == null ? "" : tidy(stripHtml(html));
  }

  /** The decoded content of the first part of {@code type}, depth first, or null. */
  private static String first(Part part, String type) throws MessagingException, IOException {
    if (part.isMimeType("multipart/*")) {
      Multipart multipart = (Multipart) part.getContent();
      for (int i = 0; i < multipart.getCount(); i++) {
        String found = first(multipart.getBodyPart(i), type);
        if (found != null) {
          return found;
        }
      }
      return null;
    }
    if (!part.isMimeType(type) || Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition())) {
      return null;
    }
    Object content = part.getContent();
    if (content instanceof String s) {
      return s;
    }
    // A text part in a charset Jakarta Mail does not know: read its bytes as UTF-8.
    try (InputStream in = part.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static String stripHtml(String html) {
    String text = DROPPED.matcher(html).replaceAll("");
    text = BREAKS.matcher(text).replaceAll("\n");
    text = TAGS.matcher(text).replaceAll("");
    return text.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
  }

  private static String tidy(String text) {
    String unix = text.replace("\r\n", "\n").replace('\r', '\n');
    return BLANK_LINES.matcher(unix).replaceAll("\n\n").strip();
  }
}
