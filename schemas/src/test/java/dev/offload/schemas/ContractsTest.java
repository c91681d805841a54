package dev.offload.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** The topic and header names of DESIGN.md, and the one function that writes a dead letter's. */
class ContractsTest {
  @Test
  void topicsAreNamedAsTheDesignSays() {
    assertThat(Topics.events("user-signed-up")).isEqualTo("offload.events.user-signed-up");
    assertThat(Topics.changes("public", "orders")).isEqualTo("offload.changes.public.orders");
    assertThat(Topics.work("email")).isEqualTo("offload.work.email");
    assertThat(Topics.retry("billing", Duration.ofMinutes(1)))
        .isEqualTo("offload.retry.billing.1m");
    assertThat(Topics.deadLetters("billing")).isEqualTo("offload.dlq.billing");
    assertThat(Topics.redriven("billing")).isEqualTo("offload.dlq.billing.redriven");
    assertThat(Topics.replay("billing")).isEqualTo("offload.replay.billing");
    assertThat(Topics.analytics("counts")).isEqualTo("offload.analytics.counts");
  }

  @Test
  void delayLabelsAreCompact() {
    assertThat(Topics.delayLabel(Duration.ofSeconds(10))).isEqualTo("10s");
    assertThat(Topics.delayLabel(Duration.ofHours(2))).isEqualTo("2h");
    assertThat(Topics.delayLabel(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Topics.isRetry("email", "offload.retry.email.1m")).isTrue();
    assertThat(Topics.isRetry("email", "offload.retry.emailer.1m")).isFalse();
  }

  @Test
  void auditTopicsAreNotDeadLetterTopics() {
    assertThat(Topics.isDeadLetters("offload.dlq.billing")).isTrue();
    assertThat(Topics.isDeadLetters("offload.dlq.billing.redriven")).isFalse();
    assertThat(Topics.isDeadLetters("offload.work.email")).isFalse();
  }

  @Test
  void eachKindOfTopicIsADescriptor() throws IOException {
    assertThat(Topics.workTopic("email").name()).isEqualTo("offload.work.email");
    assertThat(Topics.deadLetterTopic("g").name()).isEqualTo("offload.dlq.g");
    assertThat(Topics.retryTopic("g", Duration.ofSeconds(10)).name())
        .isEqualTo("offload.retry.g.10s");
    assertThat(Topics.eventsTopic("page-viewed").name()).isEqualTo("offload.events.page-viewed");
    assertThat(Topics.changesTopic("public", "orders").name())
        .isEqualTo("offload.changes.public.orders");
    try (var serde = Topics.analyticsTopic("counts").valueSerde()) {
      assertThat(serde.serializer().serialize("offload.analytics.counts", "{}"))
          .isEqualTo("{}".getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void illegalNamePartsAreRefusedNamingTheField() {
    assertThatThrownBy(() -> Topics.work("e mail"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("handler: must be 1-200 characters");
    assertThatThrownBy(() -> Topics.analytics(""))
        .hasMessageStartingWith("view: must be 1-200 characters");
  }

  @Test
  void deadLetterHeadersReplaceEarlierOnesAndKeepTheOriginals() {
    Headers original = new RecordHeaders();
    HeaderValues.put(original, OffloadHeaders.EVENT_ID, "e1");
    HeaderValues.put(original, DeadLetterHeaders.REASON, "fatal");
    HeaderValues.put(original, "offload-retry-due-at", "2026-01-01T00:00:00Z");
    Instant at = Instant.parse("2026-02-03T04:05:06Z");
    RuntimeException cause = new RuntimeException("cause");
    RuntimeException failure = new IllegalStateException("boom", cause);
    StackTraceElement frame = new StackTraceElement("Handler", "handle", "Handler.java", 7);
    failure.setStackTrace(new StackTraceElement[] {frame});
    cause.setStackTrace(new StackTraceElement[] {frame});

    Headers letter =
        DeadLetterHeaders.write(
            original,
            new DeadLetterHeaders.Failure("processing", failure, "orders", 2, 41, "app", at),
            "offload-retry-");

    assertThat(HeaderValues.eventId(letter)).isEqualTo("e1");
    assertThat(letter.headers(DeadLetterHeaders.REASON)).hasSize(1);
    assertThat(HeaderValues.text(letter, DeadLetterHeaders.REASON)).isEqualTo("processing");
    assertThat(HeaderValues.text(letter, "offload-retry-due-at")).isNull();
    assertThat(HeaderValues.text(letter, DeadLetterHeaders.EXCEPTION_CLASS))
        .isEqualTo(IllegalStateException.class.getName());
    assertThat(HeaderValues.text(letter, DeadLetterHeaders.EXCEPTION_MESSAGE)).isEqualTo("boom");
    assertThat(HeaderValues.text(letter, DeadLetterHeaders.STACKTRACE))
        .startsWith("java.lang.IllegalStateException: boom")
        .contains("\tat Handler.handle(Handler.java:7)")
        .contains("Caused by: java.lang.RuntimeException: cause");
    assertThat(HeaderValues.text(letter, DeadLetterHeaders.ORIGINAL_TOPIC)).isEqualTo("orders");
    assertThat(HeaderValues.number(letter, DeadLetterHeaders.ORIGINAL_PARTITION, -1)).isEqualTo(2);
    assertThat(HeaderValues.number(letter, DeadLetterHeaders.ORIGINAL_OFFSET, -1)).isEqualTo(41);
    assertThat(HeaderValues.text(letter, DeadLetterHeaders.GROUP)).isEqualTo("app");
    assertThat(HeaderValues.instant(letter, DeadLetterHeaders.FAILED_AT)).isEqualTo(at);
  }

  @Test
  void stackTracesAreCutToTheLimit() {
    RuntimeException deep = new RuntimeException("x".repeat(DeadLetterHeaders.STACKTRACE_LIMIT));
    assertThat(DeadLetterHeaders.stackTrace(deep)).hasSize(DeadLetterHeaders.STACKTRACE_LIMIT);
  }

  @Test
  void headerReadsAreLenient() {
    Headers headers = new RecordHeaders();
    HeaderValues.put(headers, OffloadHeaders.ATTEMPT, "not a number");
    HeaderValues.put(headers, OffloadHeaders.OCCURRED_AT, "yesterday");
    HeaderValues.put(headers, OffloadHeaders.PRODUCER, "  ");
    assertThat(HeaderValues.number(headers, OffloadHeaders.ATTEMPT, 1)).isEqualTo(1);
    assertThat(HeaderValues.instant(headers, OffloadHeaders.OCCURRED_AT)).isNull();
    assertThat(HeaderValues.nonBlank(headers, OffloadHeaders.PRODUCER)).isNull();
    assertThat(HeaderValues.text(null, OffloadHeaders.EVENT_ID)).isNull();
    assertThat(HeaderValues.text(headers, OffloadHeaders.EVENT_ID)).isNull();
  }
}
