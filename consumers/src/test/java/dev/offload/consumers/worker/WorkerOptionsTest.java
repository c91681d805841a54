package dev.offload.consumers.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.consumers.backpressure.Watermarks;
import dev.offload.consumers.ordering.Ordering;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class WorkerOptionsTest {
  private final WorkerOptions options =
      WorkerOptions.defaults("127.0.0.1:9092", "email", List.of("offload.events.user-signed-up"));

  @Test
  void defaultsAreKeyOrdered256InFlightWithWatermarksAbove() {
    assertThat(options.ordering()).isEqualTo(Ordering.KEY);
    assertThat(options.maxInFlight()).isEqualTo(256);
    assertThat(options.watermarks()).isEqualTo(new Watermarks(1024, 512));
    assertThat(options.withMaxInFlight(10).watermarks()).isEqualTo(new Watermarks(40, 20));
  }

  @Test
  void consumerCommitsManuallyWithTheCooperativeAssignorWhateverTheExtras() {
    var props =
        options
            .withKafkaProperties(
                Map.of("enable.auto.commit", "true", "security.protocol", "SASL_SSL"))
            .consumerProperties();
    assertThat(props)
        .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")
        .containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "email")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry(
            ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            CooperativeStickyAssignor.class.getName());
    assertThat(options.producerProperties())
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
  }

  @Test
  void secretsStayOutOfToString() {
    String shown =
        options.withKafkaProperties(Map.of("sasl.jaas.config", "password=hunter2")).toString();
    assertThat(shown).contains("sasl.jaas.config").doesNotContain("hunter2");
  }

  @Test
  void invalidFieldsAreNamed() {
    assertThatThrownBy(() -> WorkerOptions.defaults(" ", "g", List.of("t")))
        .hasMessageContaining("bootstrapServers");
    assertThatThrownBy(() -> WorkerOptions.defaults("b", "no spaces", List.of("t")))
        .hasMessageContaining("group");
    assertThatThrownBy(() -> WorkerOptions.defaults("b", "g", List.of()))
        .hasMessageContaining("topics");
    assertThatThrownBy(() -> options.withMaxInFlight(0)).hasMessageContaining("maxInFlight");
    assertThatThrownBy(() -> options.withCommitInterval(Duration.ZERO))
        .hasMessageContaining("commitInterval");
    assertThatThrownBy(() -> options.withShutdownTimeout(Duration.ofSeconds(-1)))
        .hasMessageContaining("shutdownTimeout");
  }
}
