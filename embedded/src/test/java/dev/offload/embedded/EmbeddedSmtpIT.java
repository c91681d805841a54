package dev.offload.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
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
    }
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
