package dev.offload.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.streams.examples.ShoutTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

class TopologyCatalogTest {
  private static final String YAML =
      """
      kafka:
        bootstrap-servers: broker:9092
        properties: {replication.factor: 3}
      processing-guarantee: at-least-once
      state-dir: /var/offload/streams
      instances: 2
      commit-interval: 250ms
      http: {port: 9000}
      topologies:
        router:
          routes: {order-placed: [billing, email]}
        shout:
          class: dev.offload.streams.examples.ShoutTopology
      """;

  @Test
  void readsTheFileAndLetsTheEnvironmentOverrideIt() {
    StreamsConfiguration c =
        StreamsConfiguration.LOADER.parse(
            YAML,
            Map.of(
                "OFFLOAD_KAFKA_BOOTSTRAP_SERVERS", "other:9092", "OFFLOAD_STREAMS_INSTANCES", "3"));

    StreamsConfiguration s = c;
    assertThat(s.kafka().bootstrapServers()).isEqualTo("other:9092");
    assertThat(s.instances()).isEqualTo(3);
    assertThat(s.processingGuarantee()).isEqualTo(ProcessingGuarantee.AT_LEAST_ONCE);
    assertThat(s.stateDir()).isEqualTo(Path.of("/var/offload/streams"));
    assertThat(s.commitInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(s.http().port()).isEqualTo(9000);
    assertThat(s.applicationIdFor("router")).isEqualTo("offload-router");
    var props = s.toProperties("offload-router", Path.of("/tmp/x"), "h:1");
    assertThat(props)
        .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "at_least_once")
        .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, "3")
        .containsEntry(StreamsConfig.APPLICATION_SERVER_CONFIG, "h:1");
  }

  @Test
  void defaultsToExactlyOnce() {
    StreamsConfiguration s = StreamsConfiguration.LOADER.defaults(Map.of());

    assertThat(s.processingGuarantee()).isEqualTo(ProcessingGuarantee.EXACTLY_ONCE_V2);
    assertThat(s.toProperties("a", Path.of("x"), null))
        .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2");
  }

  @Test
  void listsBuiltInsAndTheUserTopologyNamedInConfiguration() {
    TopologyCatalog catalog = TopologyCatalog.of(StreamsConfiguration.LOADER.parse(YAML, Map.of()));

    assertThat(catalog.all())
        .extracting(TopologyDefinition::name)
        .containsExactly("router", "analytics", "shout");
    assertThat(catalog.all()).allSatisfy(t -> assertThat(t.description()).isNotBlank());
    assertThat(catalog.require("shout")).isInstanceOf(ShoutTopology.class);
    assertThatThrownBy(() -> catalog.require("nope")).hasMessageContaining("router");
  }

  @Test
  void theRouterSectionReachesTheRouter() {
    StreamsConfiguration c = StreamsConfiguration.LOADER.parse(YAML, Map.of());
    var topology =
        TopologyCatalog.of(c)
            .require("router")
            .build(new TopologyContext("router", "offload-router", c.sectionOf("router")));

    assertThat(topology.describe().toString()).contains("route-by-type");
  }

  @Test
  void theUserTopologyRuns() {
    var topology = new ShoutTopology().build(TopologyContext.of("shout", "offload-shout"));
    try (var driver =
        new TopologyTestDriver(topology, TestEvents.driverProperties("shout-test", null))) {
      driver
          .createInputTopic(
              "offload.events.note-added", new StringSerializer(), new StringSerializer())
          .pipeInput("n1", "hello");
      assertThat(
              driver
                  .createOutputTopic(
                      "offload.work.shout", new StringDeserializer(), new StringDeserializer())
                  .readValue())
          .isEqualTo("HELLO");
    }
  }

  @Test
  void namesTheFieldOfABadValue() {
    assertThatThrownBy(() -> StreamsConfiguration.LOADER.parse("instances: 0", Map.of()))
        .hasMessageContaining("instances");
    assertThatThrownBy(
            () -> StreamsConfiguration.LOADER.parse("processing-guarantee: maybe", Map.of()))
        .hasMessageContaining("processing-guarantee")
        .hasMessageContaining("exactly-once-v2");
    assertThatThrownBy(
            () ->
                TopologyCatalog.of(
                    StreamsConfiguration.LOADER.parse(
                        "topologies: {x: {class: java.lang.String}}", Map.of())))
        .hasMessageContaining("topologies.x.class");
  }
}
