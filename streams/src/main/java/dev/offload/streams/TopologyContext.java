package dev.offload.streams;

import dev.offload.runtime.config.ConfigLoader;
import dev.offload.runtime.tracing.Tracing;
import dev.offload.schemas.Topics;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link TopologyDefinition} gets to build its topology.
 *
 * @param name the name the topology is deployed by
 * @param applicationId the Kafka Streams {@code application.id} it runs under
 * @param settings its section of the configuration file ({@code topologies.<name>}), empty if none
 * @param tracing where the spans of its processors go
 */
public record TopologyContext(
    String name, String applicationId, Map<String, Object> settings, Tracing tracing) {
  /** Checks that name and application id are present; copies the settings. */
  public TopologyContext {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name: a topology name is required");
    }
    Topics.requireLegal("applicationId", applicationId);
    settings = Map.copyOf(Objects.requireNonNullElse(settings, Map.of()));
    tracing = Objects.requireNonNullElse(tracing, Tracing.off());
  }

  /** A context whose processors record no spans. */
  public TopologyContext(String name, String applicationId, Map<String, Object> settings) {
    this(name, applicationId, settings, Tracing.off());
  }

  /** A context with no settings, as for {@code describe}. */
  public static TopologyContext of(String name, String applicationId) {
    return new TopologyContext(name, applicationId, Map.of());
  }

  /** The dead-letter topic of this application: {@code offload.dlq.<application-id>}. */
  public String deadLetterTopic() {
    return Topics.deadLetters(applicationId);
  }

  /**
   * {@link #settings()} bound onto the topology's configuration record: each key given replaces
   * that component of {@code defaults}; an unknown key, or a value the record refuses, is refused
   * naming it ({@code topologies.<name>.<key>}).
   */
  public <T extends Record> T bind(T defaults) {
    return ConfigLoader.bindSection(settings, defaults, "topologies." + name);
  }
}
