package dev.offload.runtime.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaSpansTest {
  @Test
  void theOlderNamesUnlessTheNewerAreOptedInto() {
    assertThat(KafkaSpans.fromEnvironment(Map.of())).isEqualTo(KafkaSpans.OLDER);
    assertThat(KafkaSpans.fromEnvironment(Map.of(KafkaSpans.OPT_IN, "http")))
        .isEqualTo(KafkaSpans.OLDER);
    assertThat(KafkaSpans.fromEnvironment(Map.of(KafkaSpans.OPT_IN, "http, messaging")))
        .isEqualTo(KafkaSpans.NEWER);
    assertThat(KafkaSpans.fromEnvironment(Map.of(KafkaSpans.OPT_IN, "messaging,messaging/dup")))
        .isEqualTo(KafkaSpans.BOTH);
  }

  @Test
  void olderNamesAreThoseOfTheJavaInstrumentation() {
    Map<String, Object> a = names(KafkaSpans.OLDER.process("offload-worker-email"));
    a.putAll(names(KafkaSpans.OLDER.record("offload.work.email", 2, 17)));
    assertThat(a)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "messaging.system", "kafka",
                "messaging.operation", "process",
                "messaging.kafka.consumer.group", "offload-worker-email",
                "messaging.destination.name", "offload.work.email",
                "messaging.destination.partition.id", "2",
                "messaging.kafka.message.offset", 17L));
    assertThat(names(KafkaSpans.OLDER.send())).containsEntry("messaging.operation", "publish");
  }

  @Test
  void newerNamesReplaceThemAndDupWritesBoth() {
    Map<String, Object> newer = names(KafkaSpans.NEWER.process("g"));
    newer.putAll(names(KafkaSpans.NEWER.record("t", 0, 5)));
    assertThat(newer)
        .containsEntry("messaging.operation.type", "process")
        .containsEntry("messaging.consumer.group.name", "g")
        .containsEntry("messaging.kafka.offset", 5L)
        .doesNotContainKeys(
            "messaging.operation",
            "messaging.kafka.consumer.group",
            "messaging.kafka.message.offset");
    assertThat(names(KafkaSpans.NEWER.send())).containsEntry("messaging.operation.type", "send");
    Map<String, Object> both = names(KafkaSpans.BOTH.process("g"));
    both.putAll(names(KafkaSpans.BOTH.record("t", 0, 5)));
    assertThat(both)
        .containsKeys(
            "messaging.operation",
            "messaging.operation.type",
            "messaging.kafka.consumer.group",
            "messaging.consumer.group.name",
            "messaging.kafka.message.offset",
            "messaging.kafka.offset");
  }

  private static Map<String, Object> names(Attributes attributes) {
    Map<String, Object> names = new LinkedHashMap<>();
    attributes.forEach((AttributeKey<?> k, Object v) -> names.put(k.getKey(), v));
    return names;
  }
}
