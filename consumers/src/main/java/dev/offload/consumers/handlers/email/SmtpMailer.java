package dev.offload.consumers.handlers.email;

import dev.offload.consumers.retry.RetryableException;
import dev.offload.schemas.config.ConfigChecks;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Date;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Sends {@link EmailMessage}s over SMTP with Jakarta Mail, as {@code multipart/alternative} (plain
 * text and HTML, UTF-8).
 *
 * <p>Connections are kept open between mails and reused (one per concurrent sender, closed after
 * {@value #MAX_IDLE_MILLIS} ms unused or on any failure), so a mail costs its {@code MAIL}, {@code
 * RCPT} and {@code DATA} exchanges only. That also shortens the time between the server accepting a
 * mail and the caller recording it as sent (the window in which a crash makes the mail go out
 * twice, see {@code ProcessedEventStore}) to the caller's own commit. A failure on a reused
 * connection (the server may have dropped it) is tried once more on a new one.
 *
 * <p>Failures are classified for the worker's retry policy: an address the server or the parser
 * rejects for good is an {@link IllegalArgumentException} (fatal, dead-lettered); anything else —
 * refused or dropped connections, timeouts, 4xx replies, failed authentication — is a {@link
 * RetryableException}. Messages of these exceptions never quote addresses or bodies. Thread-safe.
 */
public final class SmtpMailer {
  /** Connections unused for longer than this are closed instead of reused. */
  static final long MAX_IDLE_MILLIS = 30_000;

  private final ConcurrentLinkedDeque<Idle> idle = new ConcurrentLinkedDeque<>();
  private final EmailConfig config;
  private final Session session;
  private final InternetAddress from;
  private final Clock clock;

  /** A mailer for the server in {@code config}. */
  public SmtpMailer(EmailConfig config) {
    this(config, Clock.systemUTC());
  }

  /** A mailer that dates its mails by {@code clock}. */
  public SmtpMailer(EmailConfig config, Clock clock) {
    this.config = ConfigChecks.check(Objects.requireNonNull(config, "config"), "email.");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.session = Session.getInstance(config.sessionProperties());
    try {
      this.from = new InternetAddress(config.from(), true);
    } catch (AddressException e) {
      throw new IllegalStateException("checked above", e);
    }
  }

  /**
   * Sends {@code mail} with the given {@code Message-ID} (derived from the event id, so a sink that
   * deduplicates can recognise a resend).
   *
   * @throws IllegalArgumentException when the recipient address is invalid
   * @throws RetryableException on a transient failure
   */
  public void send(EmailMessage mail, String messageId) {
    MimeMessage message = build(mail, messageId);
    Transport reused = reusable();
    if (reused != null) {
      try {
        sendOn(reused, message);
        return;
      } catch (SendFailedException e) {
        throw classified(e);
      } catch (MessagingException | IllegalStateException e) {
        // Probably closed by the server while idle; a new connection decides.
      }
    }
    Transport fresh = null;
    try {
      fresh = session.getTransport("smtp");
      fresh.connect(config.host(), config.port(), config.user(), config.password());
      sendOn(fresh, message);
    } catch (SendFailedException e) {
      throw classified(e);
    } catch (MessagingException | IllegalStateException e) {
      closeQuietly(fresh);
      throw new RetryableException("SMTP send failed: " + describe(e), e);
    }
  }

  /** Sends on {@code transport}, then keeps it for the next mail; closes it on failure. */
  private void sendOn(Transport transport, MimeMessage message) throws MessagingException {
    try {
      transport.sendMessage(message, message.getAllRecipients());
    } catch (MessagingException | RuntimeException e) {
      closeQuietly(transport);
      throw e;
    }
    idle.push(new Idle(transport, clock.millis()));
  }

  /** The most recently used open connection, closing any unused for too long; or null. */
  private Transport reusable() {
    for (Idle candidate = idle.poll(); candidate != null; candidate = idle.poll()) {
      if (clock.millis() - candidate.since() <= MAX_IDLE_MILLIS
          && candidate.transport().isConnected()) {
        return candidate.transport();
      }
      closeQuietly(candidate.transport());
    }
    return null;
  }

  private static RuntimeException classified(SendFailedException e) {
    if (e.getInvalidAddresses() != null && e.getInvalidAddresses().length > 0) {
      return new IllegalArgumentException("the SMTP server rejected the recipient address");
    }
    return new RetryableException("SMTP send failed: " + describe(e), e);
  }

  private static void closeQuietly(Transport transport) {
    if (transport == null) {
      return;
    }
    try {
      transport.close();
    } catch (MessagingException | RuntimeException e) {
      // Already broken; nothing to release.
    }
  }

  private record Idle(Transport transport, long since) {}

  private MimeMessage build(EmailMessage mail, String messageId) {
    InternetAddress to;
    try {
      to = new InternetAddress(mail.to(), true);
      to.validate();
    } catch (AddressException e) {
      throw new IllegalArgumentException("invalid recipient address");
    }
    try {
      MimeMessage message = new IdentifiedMessage(session, "<" + messageId + "@offload>");
      message.setFrom(from);
      message.setRecipient(Message.RecipientType.TO, to);
      message.setSubject(mail.subject(), StandardCharsets.UTF_8.name());
      message.setSentDate(Date.from(clock.instant()));
      message.setHeader("Content-Language", mail.locale());
      MimeBodyPart text = new MimeBodyPart();
      text.setText(mail.text(), StandardCharsets.UTF_8.name(), "plain");
      MimeBodyPart html = new MimeBodyPart();
      html.setText(mail.html(), StandardCharsets.UTF_8.name(), "html");
      MimeMultipart alternative = new MimeMultipart("alternative", text, html);
      message.setContent(alternative);
      message.saveChanges();
      return message;
    } catch (MessagingException e) {
      throw new IllegalArgumentException("cannot build the mail: " + e.getClass().getSimpleName());
    }
  }

  /** The exception chain's types and SMTP reply codes, without addresses or payload. */
  private static String describe(Exception e) {
    StringBuilder out = new StringBuilder();
    for (Throwable t = e; t != null && out.length() < 300; t = t.getCause()) {
      if (!out.isEmpty()) {
        out.append(" <- ");
      }
      out.append(t.getClass().getSimpleName());
      if (t instanceof java.io.IOException && t.getMessage() != null) {
        out.append(": ").append(t.getMessage());
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return out.toString();
  }

  /** A message whose Message-ID is ours rather than a random one. */
  private static final class IdentifiedMessage extends MimeMessage {
    private final String messageId;

    IdentifiedMessage(Session session, String messageId) {
      super(session);
      this.messageId = messageId;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", messageId);
    }
  }
}
