package dev.offload.embedded;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A real SMTP server in-process (GreenMail), accepting every mail on loopback and keeping it in
 * memory: the mail sink of {@code offload dev} and of tests. Mails are lost when it stops.
 *
 * <pre>{@code
 * try (EmbeddedSmtp smtp = EmbeddedSmtp.start(0)) {
 *   EmailConfig config = EmailConfig.defaults(smtp.host(), smtp.port());
 *   ...
 *   List<EmbeddedSmtp.ReceivedMail> mails = smtp.received();
 * }
 * }</pre>
 */
public final class EmbeddedSmtp implements AutoCloseable {
  /** How many characters of the text {@link ReceivedMail#bodyExcerpt()} keeps. */
  public static final int EXCERPT_LENGTH = 200;

  private static final String HOST = "127.0.0.1";

  private final GreenMail server;
  private final int port;

  private EmbeddedSmtp(GreenMail server, int port) {
    this.server = server;
    this.port = port;
  }

  /**
   * Starts the server on {@code port} of 127.0.0.1, or on a free port when {@code port} is 0.
   *
   * @throws Ports.PortInUseException when the port is taken
   */
  public static EmbeddedSmtp start(int port) {
    int chosen = port == 0 ? Ports.freePort() : port;
    if (port != 0) {
      Ports.requireFree(HOST, port, "SMTP port");
    }
    GreenMail server = new GreenMail(new ServerSetup(chosen, HOST, ServerSetup.PROTOCOL_SMTP));
    server.start();
    return new EmbeddedSmtp(server, chosen);
  }

  /** The host it listens on. */
  public String host() {
    return HOST;
  }

  /** The port it listens on. */
  public int port() {
    return port;
  }

  /** Every mail received so far, oldest first. */
  public List<ReceivedMail> received() {
    List<ReceivedMail> mails = new ArrayList<>();
    for (MimeMessage message : server.getReceivedMessages()) {
      mails.add(ReceivedMail.of(message));
    }
    return mails;
  }

  /** How many mails were received. */
  public int count() {
    return server.getReceivedMessages().length;
  }

  /** Stops the server; the received mails are gone. */
  @Override
  public void close() {
    server.stop();
  }

  /**
   * One received mail.
   *
   * @param to the recipients, comma-separated
   * @param from the sender
   * @param subject the subject
   * @param bodyExcerpt the first {@value #EXCERPT_LENGTH} characters of {@code text}
   * @param messageId the {@code Message-ID} header
   * @param eventId the Offload event id the mail was sent for (its {@code Message-ID} is {@code
   *     <event-id@offload>}), or {@code null} when the mail did not come from Offload
   * @param sentAt the mail's {@code Date} header, or {@code null} when it has none
   * @param text the body as a reader sees it, decoded: the {@code text/plain} part of a multipart
   *     mail, else its {@code text/html} part without the markup
   */
  public record ReceivedMail(
      String to,
      String from,
      String subject,
      String bodyExcerpt,
      String messageId,
      String eventId,
      Instant sentAt,
      String text) {

    static ReceivedMail of(MimeMessage message) {
      try {
        String body = MailText.of(message);
        String messageId = message.getMessageID();
        return new ReceivedMail(
            addresses(message.getAllRecipients()),
            addresses(message.getFrom()),
            message.getSubject(),
            body.length() > EXCERPT_LENGTH ? body.substring(0, EXCERPT_LENGTH) : body,
            messageId,
            eventIdOf(messageId),
            message.getSentDate() == null ? null : message.getSentDate().toInstant(),
            body);
      } catch (MessagingException | IOException e) {
        throw new IllegalStateException("cannot read a received mail: " + e.getMessage(), e);
      }
    }

    private static String addresses(Address[] addresses) {
      return addresses == null
          ? ""
          : Arrays.stream(addresses).map(Address::toString).collect(Collectors.joining(", "));
    }

    private static String eventIdOf(String messageId) {
      if (messageId == null || !messageId.startsWith("<") || !messageId.endsWith("@offload>")) {
        return null;
      }
      return messageId.substring(1, messageId.length() - "@offload>".length());
    }
  }
}
