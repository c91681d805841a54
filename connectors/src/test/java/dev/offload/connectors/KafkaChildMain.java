package dev.offload.connectors;

import dev.offload.embedded.EmbeddedKafka;
import java.nio.file.Path;
import java.util.Map;

/**
 * Started as a child JVM by {@link ConnectorBrokerKillIT}: starts a Kafka broker on the data
 * directory and port given as arguments, prints {@code started} and waits to be killed.
 */
public final class KafkaChildMain {
  private KafkaChildMain() {}

  public static void main(String[] args) throws Exception {
    EmbeddedKafka.start(Path.of(args[0]), Integer.parseInt(args[1]), Map.of());
    System.out.println("started");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
