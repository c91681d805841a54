package dev.offload.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Loopback port helpers for servers that bind to 127.0.0.1. */
public final class Ports {
  private Ports() {}

  /** Lowest port {@link #freePort()} picks. */
  static final int LOW = 15_000;

  /**
   * Highest port {@link #freePort()} picks, plus one: the bottom of Linux's range of ephemeral
   * ports (32768–60999), which the kernel hands out as the local port of outgoing connections.
   */
  static final int HIGH = 32_768;

  /**
   * A port that is free on the loopback interface right now, picked below the ephemeral range when
   * one is free there. A server started again on the port it used before (a broker's controller
   * keeps its port across restarts) could otherwise find it taken as the local end of some
   * process's outgoing connection, which no bind option can share.
   */
  public static int freePort() {
    for (int attempt = 0; attempt < 50; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
      if (isFree(port)) {
        return port;
      }
    }
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException e) {
      return false;
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
