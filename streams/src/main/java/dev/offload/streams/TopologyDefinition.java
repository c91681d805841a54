package dev.offload.streams;

import org.apache.kafka.streams.Topology;

/**
 * A stream processor that can be deployed by name: {@code offload streams run <name>}.
 *
 * <p>Built-ins are {@code router} and {@code analytics}. To add your own, implement this interface
 * with a public no-argument constructor and name the class in the streams configuration:
 *
 * <pre>{@code
 * topologies:
 *   shout:
 *     class: com.acme.ShoutTopology
 *     anything-else: is passed in TopologyContext.settings()
 * }</pre>
 *
 * The runner gives every topology exactly-once processing, dead letters, health and metrics.
 */
public interface TopologyDefinition {
  /** The name it is deployed by; also the default {@code application.id} suffix. */
  String name();

  /** One line for {@code offload streams list}. */
  String description();

  /** Builds the topology; called once per Kafka Streams instance. */
  Topology build(TopologyContext context);
}
