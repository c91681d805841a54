package dev.offload.consumers.handlers.email;

import dev.offload.runtime.config.ConfigChecks;
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
    ConfigChecks.text(host, "email.host");
    ConfigChecks.port(port, 1, "email.port");
    ConfigChecks.text(from, "email.from");
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
    ConfigChecks.positive(connectTimeout, "email.connectTimeout");
    ConfigChecks.positive(readTimeout, "email.readTimeout");
    ConfigChecks.text(linkBaseUrl, "email.linkBaseUrl");
    if (!linkBaseUrl.startsWith("http://") && !linkBaseUrl.startsWith("https://")) {
      throw new IllegalArgumentException("email.linkBaseUrl must be an http(s) URL");
    }
  }

  /** The defaults listed on the record, for the server at {@code host:port}. */
  public static EmailConfig defaults(String host, int port) {
    return builder(host, port).build();
  }

  /** A builder holding the defaults listed on the record, for the server at {@code host:port}. */
  public static Builder builder(String host, int port) {
    return new Builder(host, port);
  }

  /** Builds an {@link EmailConfig}; every field starts at its default. */
  public static final class Builder {
    private final String host;
    private final int port;
    private String from = "Offload <no-reply@offload.local>";
    private String username;
    private String password;
    private boolean tls;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration readTimeout = Duration.ofSeconds(10);
    private String linkBaseUrl = "http://127.0.0.1:8080/";

    private Builder(String host, int port) {
      this.host = host;
      this.port = port;
    }

    /** See {@link EmailConfig#from()}. */
    public Builder from(String value) {
      from = value;
      return this;
    }

    /** Authenticates as {@code user} with {@code secret}; see {@link EmailConfig#username()}. */
    public Builder credentials(String user, String secret) {
      username = user;
      password = secret;
      return this;
    }

    /** See {@link EmailConfig#tls()}. */
    public Builder tls(boolean value) {
      tls = value;
      return this;
    }

    /** See {@link EmailConfig#connectTimeout()}. */
    public Builder connectTimeout(Duration value) {
      connectTimeout = value;
      return this;
    }

    /** See {@link EmailConfig#readTimeout()}. */
    public Builder readTimeout(Duration value) {
      readTimeout = value;
      return this;
    }

    /** See {@link EmailConfig#linkBaseUrl()}. */
    public Builder linkBaseUrl(String value) {
      linkBaseUrl = value;
      return this;
    }

    /** The configuration; an {@link IllegalArgumentException} names the field at fault. */
    public EmailConfig build() {
      return new EmailConfig(
          host, port, from, username, password, tls, connectTimeout, readTimeout, linkBaseUrl);
    }
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
}
