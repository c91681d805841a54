package dev.offload.consumers.handlers.email;

import dev.offload.runtime.config.Secret;
import dev.offload.schemas.Redacted;
import dev.offload.schemas.config.ConfigChecks;
import dev.offload.schemas.config.ConfigChecks.Nullable;
import dev.offload.schemas.config.ConfigChecks.Port;
import dev.offload.schemas.config.ConfigChecks.Positive;
import dev.offload.schemas.config.ConfigChecks.Text;
import io.soabase.recordbuilder.core.RecordBuilder;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.time.Duration;
import java.util.Properties;

/**
 * How the email handler reaches its SMTP server: the {@code smtp} section of the worker's file, or
 * built in code, when the {@link SmtpMailer} checks it ({@link ConfigChecks#check}, keys named
 * {@code email.<key>}). Secrets are never logged: {@link #toString()} leaves the password out.
 *
 * @param host SMTP server host; required. Default in {@link #defaults}: {@code 127.0.0.1}
 * @param port SMTP server port, 1-65535. Default: 2525 (the embedded dev server)
 * @param from the sender address of every mail, e.g. {@code Offload <no-reply@offload.local>};
 *     required. Default: {@code Offload <no-reply@offload.local>}
 * @param user user for SMTP AUTH; {@code null} or empty for none. Default: none
 * @param password password for SMTP AUTH; only with {@code user}. Default: none. Never logged
 * @param tls whether to require STARTTLS before sending. Default: false
 * @param connectTimeout longest wait to connect. Default: 5 s
 * @param readTimeout longest wait for one server reply (and one write). Default: 10 s
 * @param linkBaseUrl base URL for links in mails other than the event's own (the welcome mail's
 *     "get started" link). Default: {@code http://127.0.0.1:8080/}
 */
@RecordBuilder
public record EmailConfig(
    @Text String host,
    @Port(1) int port,
    @Text String from,
    @Nullable String user,
    @Nullable @Secret String password,
    boolean tls,
    @Positive Duration connectTimeout,
    @Positive Duration readTimeout,
    @Text String linkBaseUrl)
    implements ConfigChecks.Rules {
  /** Every component at its default. */
  private static final EmailConfig DEFAULTS =
      new EmailConfig(
          "127.0.0.1",
          2525,
          "Offload <no-reply@offload.local>",
          null,
          null,
          false,
          Duration.ofSeconds(5),
          Duration.ofSeconds(10),
          "http://127.0.0.1:8080/");

  /** No user when it is empty. */
  public EmailConfig {
    user = user == null || user.isBlank() ? null : user;
  }

  /** Checks what no annotation states: a valid sender, a login given whole, a web link. */
  @Override
  public void checkRules() {
    try {
      new InternetAddress(from, true).validate();
    } catch (AddressException e) {
      throw new IllegalArgumentException("from is not a valid address: " + e.getMessage(), e);
    }
    if (password != null && user == null) {
      throw new IllegalArgumentException("password is set but user is not");
    }
    if (!linkBaseUrl.startsWith("http://") && !linkBaseUrl.startsWith("https://")) {
      throw new IllegalArgumentException("link-base-url must be an http(s) URL");
    }
  }

  /** The defaults listed on the record, for the server at {@code host:port}. */
  public static EmailConfig defaults(String host, int port) {
    return builder(host, port).build();
  }

  /** A builder holding the defaults listed on the record, for the server at {@code host:port}. */
  public static EmailConfigBuilder builder(String host, int port) {
    return EmailConfigBuilder.builder(DEFAULTS).host(host).port(port);
  }

  /** Jakarta Mail session properties; the password is not among them. */
  Properties sessionProperties() {
    Properties p = new Properties();
    p.put("mail.transport.protocol", "smtp");
    p.put("mail.smtp.host", host);
    p.put("mail.smtp.port", Integer.toString(port));
    p.put("mail.smtp.connectiontimeout", Long.toString(connectTimeout.toMillis()));
    p.put("mail.smtp.timeout", Long.toString(readTimeout.toMillis()));
    p.put("mail.smtp.writetimeout", Long.toString(readTimeout.toMillis()));
    p.put("mail.smtp.auth", Boolean.toString(user != null));
    p.put("mail.smtp.starttls.enable", Boolean.toString(tls));
    p.put("mail.smtp.starttls.required", Boolean.toString(tls));
    return p;
  }

  /** A redacted view: no password. */
  @Override
  public String toString() {
    return Redacted.toString(this, "password");
  }
}
