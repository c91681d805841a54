package dev.offload.consumers.handlers.email;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.time.Duration;
import java.util.Properties;

/**
 * How the email handler reaches its SMTP server. Secrets are never logged: {@link #toString()}
 * leaves the password out.
 *
 * @param host SMTP server host; required. Default in {@link #defaults}: {@code 127.0.0.1}
 * @param port SMTP server port, 1-65535. Default: 2525 (the embedded dev server)
 * @param from the sender address of every mail, e.g. {@code Offload <no-reply@offload.local>};
 *     required. Default: {@code Offload <no-reply@offload.local>}
 * @param username user for SMTP AUTH, or {@code null} for none. Default: none
 * @param password password for SMTP AUTH; only with {@code username}. Default: none. Never logged
 * @param tls whether to require STARTTLS before sending. Default: false
 * @param connectTimeout longest wait to connect. Default: 5 s
 * @param readTimeout longest wait for one server reply (and one write). Default: 10 s
 * @param linkBaseUrl base URL for links in mails other than the event's own (the welcome mail's
 *     "get started" link). Default: {@code http://127.0.0.1:8080/}
 */
public record EmailConfig(
    String host,
    int port,
    String from,
    String username,
    String password,
    boolean tls,
    Duration connectTimeout,
    Duration readTimeout,
    String linkBaseUrl) {

  /** Validates every field and names the one that is wrong. */
  public EmailConfig {
    requireText(host, "email.host");
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("email.port must be 1-65535, was " + port);
    }
    requireText(from, "email.from");
    try {
      new InternetAddress(from, true).validate();
    } catch (AddressException e) {
      throw new IllegalArgumentException("email.from is not a valid address: " + e.getMessage());
    }
    if (username != null && username.isBlank()) {
      throw new IllegalArgumentException("email.username must not be blank when set");
    }
    if (password != null && username == null) {
      throw new IllegalArgumentException("email.password is set but email.username is not");
    }
    requirePositive(connectTimeout, "email.connectTimeout");
    requirePositive(readTimeout, "email.readTimeout");
    requireText(linkBaseUrl, "email.linkBaseUrl");
    if (!linkBaseUrl.startsWith("http://") && !linkBaseUrl.startsWith("https://")) {
      throw new IllegalArgumentException("email.linkBaseUrl must be an http(s) URL");
    }
  }

  /** The defaults listed on the record, for the server at {@code host:port}. */
  public static EmailConfig defaults(String host, int port) {
    return new EmailConfig(
        host,
        port,
        "Offload <no-reply@offload.local>",
        null,
        null,
        false,
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        "http://127.0.0.1:8080/");
  }

  /** A copy with another sender address. */
  public EmailConfig withFrom(String value) {
    return new EmailConfig(
        host, port, value, username, password, tls, connectTimeout, readTimeout, linkBaseUrl);
  }

  /** A copy that authenticates as {@code user} with {@code secret}. */
  public EmailConfig withCredentials(String user, String secret) {
    return new EmailConfig(
        host, port, from, user, secret, tls, connectTimeout, readTimeout, linkBaseUrl);
  }

  /** A copy that requires STARTTLS, or not. */
  public EmailConfig withTls(boolean value) {
    return new EmailConfig(
        host, port, from, username, password, value, connectTimeout, readTimeout, linkBaseUrl);
  }

  /** A copy with other timeouts. */
  public EmailConfig withTimeouts(Duration connect, Duration read) {
    return new EmailConfig(host, port, from, username, password, tls, connect, read, linkBaseUrl);
  }

  /** A copy with another base URL for links. */
  public EmailConfig withLinkBaseUrl(String value) {
    return new EmailConfig(
        host, port, from, username, password, tls, connectTimeout, readTimeout, value);
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
    p.put("mail.smtp.auth", Boolean.toString(username != null));
    p.put("mail.smtp.starttls.enable", Boolean.toString(tls));
    p.put("mail.smtp.starttls.required", Boolean.toString(tls));
    return p;
  }

  /** A redacted view: no password. */
  @Override
  public String toString() {
    return "EmailConfig[host="
        + host
        + ", port="
        + port
        + ", from="
        + from
        + ", username="
        + username
        + ", password="
        + (password == null ? "none" : "***")
        + ", tls="
        + tls
        + ", connectTimeout="
        + connectTimeout
        + ", readTimeout="
        + readTimeout
        + "]";
  }

  private static void requireText(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
  }

  private static void requirePositive(Duration value, String field) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(field + " must be a positive duration, was " + value);
    }
  }
}
