package dev.offload.embedded.junit;

import dev.offload.embedded.EmbeddedKafka;
import dev.offload.embedded.Ports;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.Uuid;

/**
 * A Kafka cluster of {@code n} nodes, each a combined broker and KRaft controller in a child JVM of
 * its own ({@link ChildKafka}), so that a test can kill one node (SIGKILL) while the others carry
 * on, and start it again on its data. Topics are replicated to three nodes with two in sync
 * required, as a production cluster is set up: a producer with {@code acks=all} is answered while
 * one node is away.
 */
public final class ChildKafkaCluster implements AutoCloseable {
  private static final String PORTS_FILE = "offload-ports.properties";

  private final List<Path> dataDirs;
  private final List<Integer> clientPorts;
  private final List<Map<String, String>> overrides;
  private final Process[] nodes;

  private ChildKafkaCluster(
      List<Path> dataDirs, List<Integer> clientPorts, List<Map<String, String>> overrides) {
    this.dataDirs = dataDirs;
    this.clientPorts = clientPorts;
    this.overrides = overrides;
    this.nodes = new Process[dataDirs.size()];
  }

  /**
   * Formats {@code n} nodes under {@code dir} as one cluster and starts them; returns once every
   * node has started.
   */
  public static ChildKafkaCluster start(Path dir, int n) throws IOException {
    if (n < 3) {
      throw new IllegalArgumentException("a cluster replicating to three nodes needs three: " + n);
    }
    List<Path> dataDirs = new ArrayList<>();
    List<Integer> clientPorts = new ArrayList<>();
    List<Integer> controllerPorts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      dataDirs.add(Files.createDirectories(dir.resolve("node-" + (i + 1))));
      clientPorts.add(Ports.freePort());
      controllerPorts.add(Ports.freePort());
    }
    String voters =
        IntStream.range(0, n)
            .mapToObj(i -> (i + 1) + "@127.0.0.1:" + controllerPorts.get(i))
            .collect(Collectors.joining(","));
    String clusterId = Uuid.randomUuid().toString();
    List<Map<String, String>> overrides = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, String> node = new LinkedHashMap<>();
      node.put("node.id", Integer.toString(i + 1));
      node.put("controller.quorum.voters", voters);
      node.put("default.replication.factor", "3");
      node.put("min.insync.replicas", "2");
      node.put("offsets.topic.replication.factor", "3");
      node.put("transaction.state.log.replication.factor", "3");
      node.put("transaction.state.log.min.isr", "2");
      node.put("share.coordinator.state.topic.replication.factor", "3");
      node.put("share.coordinator.state.topic.min.isr", "2");
      overrides.add(node);
      format(dataDirs.get(i), clusterId, node, clientPorts.get(i), controllerPorts.get(i));
    }
    ChildKafkaCluster cluster = new ChildKafkaCluster(dataDirs, clientPorts, overrides);
    try {
      for (int i = 0; i < n; i++) {
        cluster.nodes[i] = ChildKafka.launch(dataDirs.get(i), clientPorts.get(i), overrides.get(i));
      }
      for (int i = 0; i < n; i++) {
        ChildKafka.awaitStarted(cluster.nodes[i], dataDirs.get(i));
      }
      return cluster;
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * Writes the ports the embedded broker reads back on this data directory and formats its log
   * directory with the cluster's id, so that the embedded broker finds it formatted and joins the
   * cluster instead of making one of its own.
   */
  private static void format(
      Path dataDir, String clusterId, Map<String, String> node, int clientPort, int controllerPort)
      throws IOException {
    Properties ports = new Properties();
    ports.setProperty("client", Integer.toString(clientPort));
    ports.setProperty("controller", Integer.toString(controllerPort));
    try (OutputStream out = Files.newOutputStream(dataDir.resolve(PORTS_FILE))) {
      ports.store(out, "ports of this node");
    }
    Properties props = new Properties();
    props.setProperty("process.roles", "broker,controller");
    props.setProperty(
        "listeners",
        "PLAINTEXT://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    props.setProperty("controller.listener.names", "CONTROLLER");
    props.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.setProperty("log.dirs", dataDir.resolve("log").toString());
    node.forEach(props::setProperty);
    Path config = dataDir.resolve("format.properties");
    try (OutputStream out = Files.newOutputStream(config)) {
      props.store(out, "the properties this node's storage is formatted with");
    }
    EmbeddedKafka.formatStorage(config, clusterId);
  }

  /** The {@code bootstrap.servers} of every node. */
  public String bootstrapServers() {
    return clientPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
  }

  /** The number of nodes. */
  public int size() {
    return nodes.length;
  }

  /** Kills node {@code index} (0-based) with SIGKILL and waits until it is gone. */
  public void kill(int index) throws InterruptedException {
    nodes[index].destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  /** Starts node {@code index} again on its data and ports; returns once it has started. */
  public void restart(int index) throws IOException {
    nodes[index] =
        ChildKafka.launch(dataDirs.get(index), clientPorts.get(index), overrides.get(index));
    ChildKafka.awaitStarted(nodes[index], dataDirs.get(index));
  }

  /**
   * Copies each node's log ({@link ChildKafka#LOG_FILE}) into {@code dir} as {@code
   * kafka-node-<n>.log}, so that it outlives the data directory.
   */
  public void copyLogsTo(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (int i = 0; i < dataDirs.size(); i++) {
      Path log = dataDirs.get(i).resolve(ChildKafka.LOG_FILE);
      if (Files.exists(log)) {
        Files.copy(
            log,
            dir.resolve("kafka-node-" + (i + 1) + ".log"),
            StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /** Kills every node still running. */
  @Override
  public void close() {
    for (Process node : nodes) {
      if (node != null) {
        try {
          node.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
