package dev.offload.consumers.worker;

import static dev.offload.consumers.worker.MockWorker.P0;
import static dev.offload.consumers.worker.MockWorker.string;
import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.consumers.retry.RetryPolicy;
import dev.offload.consumers.retry.RetryableException;
import dev.offload.consumers.testing.ControlledHandler;
import dev.offload.schemas.HeaderValues;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.RetryHeaders;
import dev.offload.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Retries in place and through delay topics, and the parking of the failed record's key. */
class WorkerRetryTest {
  private static final Duration TIER = Duration.ofSeconds(1);

  @Test
  void inPlaceRetryParksOnlyItsKeyUntilTheBackoffIsOver() {
    ControlledHandler handler = new ControlledHandler();
    RetryPolicy retry =
        RetryPolicy.defaults()
            .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
            .inPlaceOnly()
            .withMaxAttempts(3);
    try (MockWorker w = new MockWorker(MockWorker.options().withRetry(retry), handler)) {
      w.send(0, "A", "A1");
      w.send(0, "A", "A2");
      w.send(0, "B", "B1");
      w.send(0, "B", "B2");
      w.turn();
      handler.fail("A1", new RetryableException("sink busy"));
      w.executor.runAll();
      assertThat(w.scheduler.delays()).containsExactly(Duration.ofMillis(100));

      handler.succeed("B1");
      w.executor.runAll();
      assertThat(handler.openValues()).as("B flows, A2 waits").containsExactly("B2");

      w.clock.advance(Duration.ofMillis(99));
      w.runDueRetries();
      assertThat(handler.openValues()).containsExactly("B2");

      w.clock.advance(Duration.ofMillis(1));
      w.runDueRetries();
      Event<String> retried = handler.started().get(handler.started().size() - 1);
      assertThat(retried.value()).isEqualTo("A1");
      assertThat(retried.headers().attempt()).isEqualTo(2);

      handler.succeed("A1");
      w.executor.runAll();
      assertThat(handler.openValues()).containsExactly("A2", "B2");
      assertThat(handler.startedValues()).containsSubsequence("A1", "A1", "A2");
      assertThat(w.count(WorkerMetricNames.RETRIED)).isEqualTo(1);
      assertThat(w.count(WorkerMetricNames.FAILED)).isEqualTo(1);
      assertThat(w.count(WorkerMetricNames.HANDLED)).isEqualTo(2);
    }
  }

  @Test
  void longDelaysGoThroughADelayTopicWithoutBlockingThePartitionButParkTheKey() {
    ControlledHandler handler = new ControlledHandler();
    RetryPolicy retry =
        RetryPolicy.defaults()
            .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(1))
            .withDelayTopics(Duration.ofMillis(50), List.of(TIER));
    try (MockWorker w = new MockWorker(MockWorker.options().withRetry(retry), handler)) {
      String delayTopic = Topics.retry(MockWorker.GROUP, TIER);
      w.send(0, "A", "A1");
      w.send(0, "A", "A2");
      w.send(0, "B", "B1");
      w.turn();
      Instant failedAt = w.clock.instant();
      handler.fail("A1", new RetryableException("sink busy"));
      w.executor.runAll();

      List<ProducerRecord<byte[], byte[]>> delayed = w.sentTo(delayTopic);
      assertThat(delayed).hasSize(1);
      ProducerRecord<byte[], byte[]> retryRecord = delayed.get(0);
      assertThat(retryRecord.partition()).as("a partition this worker reads").isZero();
      assertThat(string(retryRecord.value())).isEqualTo("A1");
      assertThat(header(retryRecord, OffloadHeaders.ATTEMPT)).isEqualTo("2");
      assertThat(header(retryRecord, RetryHeaders.DUE_AT))
          .isEqualTo(failedAt.plusMillis(200).toString());
      assertThat(header(retryRecord, RetryHeaders.ORIGINAL_TOPIC)).isEqualTo(MockWorker.TOPIC);
      assertThat(header(retryRecord, RetryHeaders.ORIGINAL_OFFSET)).isEqualTo("0");

      handler.succeed("B1");
      w.executor.runAll();
      assertThat(handler.openValues()).as("A2 waits behind the delayed A1").isEmpty();

      w.redeliver(retryRecord);
      w.turn();
      assertThat(handler.openValues()).as("held until due").isEmpty();
      assertThat(w.consumer.paused()).containsExactly(new TopicPartition(delayTopic, 0));

      w.clock.advance(Duration.ofMillis(200));
      w.turn();
      Event<String> again = handler.started().get(handler.started().size() - 1);
      assertThat(again.value()).isEqualTo("A1");
      assertThat(again.headers().attempt()).isEqualTo(2);
      assertThat(again.topic()).isEqualTo(MockWorker.TOPIC);
      assertThat(again.offset()).isZero();

      handler.succeed("A1");
      w.executor.runAll();
      assertThat(handler.openValues()).containsExactly("A2");
      w.clock.advance(Duration.ofSeconds(1));
      w.turn();
      assertThat(w.committed(P0)).as("A1 done through the delay topic; A2 open").isEqualTo(1);
      assertThat(w.committed(new TopicPartition(delayTopic, 0))).isEqualTo(1);
      assertThat(w.consumer.paused()).isEmpty();
    }
  }

  @Test
  void aDelayedRetryForAKeyThisWorkerDoesNotParkJoinsTheLaneNormally() {
    ControlledHandler handler = new ControlledHandler();
    RetryPolicy retry =
        RetryPolicy.defaults().withDelayTopics(Duration.ofMillis(50), List.of(TIER));
    try (MockWorker w = new MockWorker(MockWorker.options().withRetry(retry), handler)) {
      var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
      HeaderValues.put(headers, OffloadHeaders.ATTEMPT, 3);
      HeaderValues.put(headers, RetryHeaders.DUE_AT, w.clock.instant().minusSeconds(1));
      HeaderValues.put(headers, RetryHeaders.ORIGINAL_TOPIC, MockWorker.TOPIC);
      HeaderValues.put(headers, RetryHeaders.ORIGINAL_PARTITION, 1);
      HeaderValues.put(headers, RetryHeaders.ORIGINAL_OFFSET, 41);
      w.send(new TopicPartition(Topics.retry(MockWorker.GROUP, TIER), 0), "X", "X1", headers);
      w.turn();
      Event<String> event = handler.started().get(0);
      assertThat(event.headers().attempt()).isEqualTo(3);
      assertThat(event.partition()).isEqualTo(1);
      assertThat(event.offset()).isEqualTo(41);
    }
  }

  private static String header(ProducerRecord<byte[], byte[]> record, String name) {
    return HeaderValues.text(record.headers(), name);
  }
}
