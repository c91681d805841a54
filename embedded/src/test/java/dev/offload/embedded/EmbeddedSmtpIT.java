package dev.offload.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The embedded SMTP server accepts real SMTP and lists what it received. */
class EmbeddedSmtpIT {

  @Test
  void aMailSentOverSmtpIsListedWithItsEventId() throws Exception {
    try (EmbeddedSmtp smtp = EmbeddedSmtp.start(0)) {
      send(smtp, "<6f1c-42@offload>", "ada@example.com", "Welcome, Ada", "Hello Ada,\nwelcome.");
      send(smtp, "<other@mail.example>", "bob@example.com", "Hi", "x".repeat(500));

      assertThat(smtp.count()).isEqualTo(2);
      EmbeddedSmtp.ReceivedMail first = smtp.received().get(0);
      assertThat(first.to()).isEqualTo("ada@example.com");
      assertThat(first.subject()).isEqualTo("Welcome, Ada");
      assertThat(first.bodyExcerpt()).isEqualTo("Hello Ada,\nwelcome.");
      assertThat(first.eventId()).isEqualTo("6f1c-42");
      EmbeddedSmtp.ReceivedMail second = smtp.received().get(1);
      assertThat(second.eventId()).as("not an Offload mail").isNull();
      assertThat(second.bodyExcerpt()).hasSize(EmbeddedSmtp.EXCERPT_LENGTH);
      assertThat(second.text()).hasSize(500);
    }
  }

  @Test
  void aMultipartMailIsListedWithItsDecodedPlainTextOrItsHtmlWithoutMarkup() throws Exception {
    try (EmbeddedSmtp smtp = EmbeddedSmtp.start(0)) {
      String text =
          "Hello Zoë,\n\nwelcome – your account is ready.\nGet started: https://x.example/";
      String html =
          "<html><head><style>p{}</style></head><body><p>Hello Zoë,</p>"
              + "<p>welcome &amp; <b>enjoy</b></p></body></html>";
      sendMultipart(smtp, "zoe@example.com", text, html);
      sendMultipart(smtp, "max@example.com", null, html);

      EmbeddedSmtp.ReceivedMail first = smtp.received().get(0);
      assertThat(first.text()).isEqualTo(text);
      assertThat(first.bodyExcerpt()).isEqualTo(text).doesNotContain("Content-Transfer-Encoding");
      assertThat(first.from()).isEqualTo("no-reply@offload.local");
      EmbeddedSmtp.ReceivedMail second = smtp.received().get(1);
      assertThat(second.text()).isEqualTo("Hello Zoë,\nwelcome & enjoy");
    }
  }

  private static void sendMultipart(EmbeddedSmtp smtp, String to, String text, String html)
      throws Exception {
    Properties p = new Properties();
    p.put("mail.smtp.host", smtp.host());
    p.put("mail.smtp.port", String.valueOf(smtp.port()));
    MimeMessage message = new MimeMessage(Session.getInstance(p));
    message.setFrom(new InternetAddress("no-reply@offload.local"));
    message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
    message.setSubject("Welcome", "UTF-8");
    MimeMultipart alternative = new MimeMultipart("alternative");
    if (text != null) {
      MimeBodyPart plain = new MimeBodyPart();
      plain.setText(text, "UTF-8", "plain");
      alternative.addBodyPart(plain);
    }
    MimeBodyPart rich = new MimeBodyPart();
    rich.setText(html, "UTF-8", "html");
    alternative.addBodyPart(rich);
    message.setContent(alternative);
    Transport.send(message);
  }

  @Test
  void aTakenPortIsRefusedWithItsNumber() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int taken = socket.getLocalPort();
      assertThatThrownBy(() -> EmbeddedSmtp.start(taken))
          .isInstanceOf(Ports.PortInUseException.class)
          .hasMessageContaining("port " + taken);
    }
  }

  private static void send(EmbeddedSmtp smtp, String id, String to, String subject, String body)
      throws Exception {
    Properties p = new Properties();
    p.put("mail.smtp.host", smtp.host());
    p.put("mail.smtp.port", String.valueOf(smtp.port()));
    MimeMessage message =
        new MimeMessage(Session.getInstance(p)) {
          @Override
          protected void updateMessageID() throws jakarta.mail.MessagingException {
            setHeader("Message-ID", id);
          }
        };
    message.setFrom(new InternetAddress("no-reply@offload.local"));
    message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
    message.setSubject(subject);
    message.setText(body, "UTF-8");
    Transport.send(message);
  }
}
