package dev.offload.consumers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {

  @Test
  void defaultsFollowEveryEventsTopicWithManualCommits() {
    WorkerConfig config = WorkerConfig.defaults("127.0.0.1:9092");
    assertThat(config.topics().matcher("offload.events.user-signed-up").matches()).isTrue();
    assertThat(config.topics().matcher("offload.work.email").matches()).isFalse();
    var props = config.consumerProperties();
    assertThat(props.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG)).isEqualTo("false");
    assertThat(props.get(ConsumerConfig.GROUP_ID_CONFIG)).isEqualTo("offload-event-log");
  }

  @Test
  void invalidFieldsAreNamed() {
    assertThatThrownBy(() -> WorkerConfig.defaults(" ")).hasMessageContaining("bootstrapServers");
    assertThatThrownBy(() -> WorkerConfig.defaults("x").withGroupId(""))
        .hasMessageContaining("groupId");
    WorkerConfig ok = WorkerConfig.defaults("x");
    assertThatThrownBy(
            () -> new WorkerConfig("x", "g", ok.topics(), Duration.ZERO, Duration.ofSeconds(1)))
        .hasMessageContaining("pollTimeout");
  }
}
