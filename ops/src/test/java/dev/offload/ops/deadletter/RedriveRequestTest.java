package dev.offload.ops.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.schemas.DeadLetterHeaders;
import dev.offload.schemas.OffloadHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

class RedriveRequestTest {
  private static DeadLetter failedWith(String exceptionClass) {
    return new DeadLetter(
        "offload.dlq.g",
        0,
        7,
        0,
        null,
        null,
        List.of(
            new RecordHeader(
                DeadLetterHeaders.EXCEPTION_CLASS, exceptionClass.getBytes(StandardCharsets.UTF_8)),
            new RecordHeader(OffloadHeaders.REDRIVE_COUNT, "2".getBytes(StandardCharsets.UTF_8)),
            new RecordHeader("trace", "t".getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void whereMatchesFullOrSimpleClassName() {
    DeadLetter d = failedWith("com.acme.SchemaException");
    assertThat(RedriveRequest.parse("g", "exception=com.acme.SchemaException", 0).matches(d))
        .isTrue();
    assertThat(RedriveRequest.parse("g", "exception=SchemaException", 0).matches(d)).isTrue();
    assertThat(RedriveRequest.parse("g", "exception=Exception", 0).matches(d)).isFalse();
    assertThat(RedriveRequest.parse("g", null, 0).matches(d)).isTrue();
  }

  @Test
  void otherConditionsAreRejectedWithTheirText() {
    assertThatThrownBy(() -> RedriveRequest.parse("g", "topic=orders", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("topic=orders");
    assertThatThrownBy(() -> RedriveRequest.parse("g", "exception=", 0))
        .hasMessageContaining("exception=<class name>");
    assertThatThrownBy(() -> new RedriveRequest("g", null, -1))
        .hasMessageContaining("ratePerSecond");
    assertThatThrownBy(() -> new RedriveRequest(" ", null, 0)).hasMessageContaining("group");
  }

  @Test
  void deadLetterKnowsItsIdCountAndOriginalHeaders() {
    DeadLetter d = failedWith("X");
    assertThat(d.id()).isEqualTo("offload.dlq.g/0/7");
    assertThat(d.redriveCount()).isEqualTo(2);
    assertThat(d.originalHeaders()).extracting(h -> h.key()).containsExactly("trace");
    assertThat(d.originalTopic()).isNull();
  }
}
