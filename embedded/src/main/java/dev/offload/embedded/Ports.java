package dev.offload.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Loopback port helpers for servers that bind to 127.0.0.1. */
public final class Ports {
  private Ports() {}

  /** A port that is free on the loopback interface right now. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  /**
   * Fails with a message that names the port and what it was for when {@code port} is taken.
   *
   * @param what the option or role the port belongs to, e.g. {@code "--kafka-port"}
   */
  public static void requireFree(String host, int port, String what) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw new PortInUseException(host, port, what);
    }
  }

  /** A port that a server needs is already taken by another process. */
  public static final class PortInUseException extends IllegalStateException {
    PortInUseException(String host, int port, String what) {
      super(
          "port "
              + port
              + " on "
              + host
              + " is already in use ("
              + what
              + "); stop what is using it or choose another port");
    }
  }
}
