package dev.offload.producers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 over a plain socket, for requests a well-behaved client cannot send: a {@code
 * Content-Length} that lies about the body, bytes that are not UTF-8.
 */
final class RawHttp {
  /** A parsed answer: status line code, raw head and body text. */
  record Answer(int status, String head, String body) {}

  private RawHttp() {}

  /**
   * Sends {@code head} (request line and headers, without the blank line) and {@code body} as they
   * are, then reads one answer (the server must answer within {@code timeoutMillis}).
   */
  static Answer send(int port, String head, byte[] body, int timeoutMillis) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(timeoutMillis);
      OutputStream out = socket.getOutputStream();
      out.write((head + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      return read(socket.getInputStream());
    }
  }

  private static Answer read(InputStream in) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    int headEnd = -1;
    int contentLength = -1;
    try {
      while (true) {
        int n = in.read(buffer);
        if (n < 0) {
          break;
        }
        received.write(buffer, 0, n);
        String text = received.toString(StandardCharsets.ISO_8859_1);
        if (headEnd < 0) {
          headEnd = text.indexOf("\r\n\r\n");
          if (headEnd >= 0) {
            contentLength = contentLength(text.substring(0, headEnd));
          }
        }
        if (headEnd >= 0 && contentLength >= 0 && text.length() >= headEnd + 4 + contentLength) {
          break;
        }
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError(
          "no complete answer within the timeout; received: "
              + received.toString(StandardCharsets.ISO_8859_1),
          e);
    }
    String text = received.toString(StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new AssertionError("no answer head; received: " + text);
    }
    String head = text.substring(0, end);
    int status = Integer.parseInt(head.split(" ", 3)[1]);
    return new Answer(status, head, text.substring(end + 4));
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
        return Integer.parseInt(line.substring(colon + 1).trim());
      }
    }
    return -1;
  }
}
