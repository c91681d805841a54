package dev.offload.embedded.junit;

import dev.offload.embedded.EmbeddedKafka;
import dev.offload.embedded.Ports;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;

/**
 * A Kafka broker of a test's own that every client reaches through a TCP proxy (NetCrusher) the
 * test can freeze: the broker advertises the proxy as its address, so every connection a client
 * makes, after bootstrap too, goes through it. A frozen proxy passes no bytes either way and leaves
 * the connections open: what a stalled route or a paused VM looks like.
 */
public final class ProxiedKafka implements AutoCloseable {
  private final NioReactor reactor;
  private final TcpCrusher proxy;
  private final EmbeddedKafka broker;

  private ProxiedKafka(NioReactor reactor, TcpCrusher proxy, EmbeddedKafka broker) {
    this.reactor = reactor;
    this.proxy = proxy;
    this.broker = broker;
  }

  /** Starts the proxy and a broker with its data under {@code dataDir}. */
  public static ProxiedKafka start(Path dataDir) throws IOException {
    int brokerPort = Ports.freePort();
    NioReactor reactor = new NioReactor();
    TcpCrusher proxy = null;
    try {
      proxy =
          TcpCrusherBuilder.builder()
              .withReactor(reactor)
              .withBindAddress("127.0.0.1", Ports.freePort())
              .withConnectAddress("127.0.0.1", brokerPort)
              .buildAndOpen();
      String bootstrap = "127.0.0.1:" + proxy.getBindAddress().getPort();
      EmbeddedKafka broker =
          EmbeddedKafka.start(
              dataDir, brokerPort, Map.of("advertised.listeners", "PLAINTEXT://" + bootstrap));
      return new ProxiedKafka(reactor, proxy, broker);
    } catch (RuntimeException e) {
      if (proxy != null) {
        proxy.close();
      }
      reactor.close();
      throw e;
    }
  }

  /** The {@code bootstrap.servers} of the broker, through the proxy. */
  public String bootstrapServers() {
    return "127.0.0.1:" + proxy.getBindAddress().getPort();
  }

  /** Stops passing bytes either way; the connections stay open. */
  public void freeze() {
    proxy.freeze();
  }

  /** Passes bytes again. */
  public void unfreeze() {
    proxy.unfreeze();
  }

  @Override
  public void close() {
    broker.close();
    proxy.close();
    reactor.close();
  }
}
