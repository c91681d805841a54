package dev.offload.streams;

import dev.offload.schemas.kafka.KafkaClientSecurity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The streams file as {@link StreamsConfiguration} documents it, key for key; {@link
 * dev.offload.runtime.config.ConfigLoader} binds it, {@link #toConfiguration} makes the role's
 * configuration of it. Each topology's section stays a free mapping, read by its topology.
 */
record StreamsFile(
    Kafka kafka,
    String applicationId,
    String processingGuarantee,
    Path stateDir,
    int instances,
    int threads,
    Duration commitInterval,
    Http http,
    Map<String, Map<String, Object>> topologies) {

  /** {@code security} is read by {@link KafkaClientSecurity#from}, with its own variables. */
  record Kafka(
      String bootstrapServers, Map<String, String> properties, Map<String, Object> security) {}

  record Http(String host, int port) {}

  /** The file with every key at its default. */
  static StreamsFile defaults() {
    StreamsSettings d = StreamsSettings.defaults();
    return new StreamsFile(
        new Kafka(d.bootstrapServers(), Map.of(), Map.of()),
        null,
        name(d.processingGuarantee()),
        d.stateDir(),
        d.instances(),
        d.threads(),
        d.commitInterval(),
        new Http(d.httpHost(), d.httpPort()),
        Map.of());
  }

  /**
   * The role's configuration; {@code env} overrides {@code kafka.security} by {@link
   * KafkaClientSecurity}'s variables.
   *
   * @throws IllegalArgumentException naming the field at fault
   */
  StreamsConfiguration toConfiguration(Map<String, String> env) {
    StreamsSettings settings =
        new StreamsSettings(
            kafka.bootstrapServers(),
            applicationId,
            Settings.of("", Map.of("processing-guarantee", processingGuarantee))
                .enumValue("processing-guarantee", ProcessingGuarantee.class, null),
            stateDir,
            instances,
            threads,
            commitInterval,
            http.host(),
            http.port(),
            kafka.properties(),
            KafkaClientSecurity.from(kafka.security(), env));
    Map<String, Map<String, Object>> sections = new LinkedHashMap<>();
    topologies.forEach((name, section) -> sections.put(name, section == null ? Map.of() : section));
    return new StreamsConfiguration(settings, sections);
  }

  private static String name(ProcessingGuarantee g) {
    return g.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
