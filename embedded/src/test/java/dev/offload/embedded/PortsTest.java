package dev.offload.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortsTest {
  @Test
  void aFreePortIsBelowTheEphemeralRangeAndCanBeBound() throws Exception {
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      int port = Ports.freePort();
      assertThat(port).isBetween(Ports.LOW, Ports.HIGH - 1);
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      }
      ports.add(port);
    }
    assertThat(ports).as("picked at random, not the same each time").hasSizeGreaterThan(1);
  }
}
