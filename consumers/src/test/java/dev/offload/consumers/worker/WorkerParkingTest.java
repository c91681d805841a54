package dev.offload.consumers.worker;

import static dev.offload.consumers.worker.MockWorker.P0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.consumers.retry.RetryPolicy;
import dev.offload.consumers.retry.RetryableException;
import dev.offload.consumers.testing.ControlledHandler;
import dev.offload.schemas.HeaderValues;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.RetryHeaders;
import dev.offload.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/**
 * Keys parked for retries that another member reads: found in the delay topics when a source
 * partition is assigned, released by the group's commit on the delay partition.
 */
class WorkerParkingTest {
  private static final Duration TIER = Duration.ofSeconds(10);
  private static final String DELAY = Topics.retry(MockWorker.GROUP, TIER);
  private static final TopicPartition D0 = new TopicPartition(DELAY, 0);

  private final ControlledHandler handler = new ControlledHandler();
  private final MockConsumer<byte[], byte[]> reader = new MockConsumer<>("earliest");

  private static WorkerOptions options() {
    RetryPolicy retry =
        RetryPolicy.defaults()
            .withBackoff(TIER, TIER)
            .withDelayTopics(Duration.ofSeconds(1), List.of(TIER));
    return MockWorker.options().withRetry(retry);
  }

  @Test
  void aRetryPendingInADelayTopicParksItsKeyBeforeTheNewPartitionsRecordsRun() {
    reader.updatePartitions(DELAY, List.of(new PartitionInfo(DELAY, 0, null, null, null)));
    reader.updateEndOffsets(Map.of(D0, 1L));
    reader.schedulePollTask(() -> reader.addRecord(retryOf("A", "A1", 7, 0)));
    try (MockWorker w = new MockWorker(options(), handler, () -> 1.0, reader, false)) {
      w.send(0, "A", "A2");
      w.send(0, "B", "B1");
      w.turn();
      assertThat(handler.openValues()).as("A waits for A1's retry; B flows").containsExactly("B1");
      assertThat(parked(w)).isEqualTo(1);

      w.clock.advance(Duration.ofSeconds(1));
      w.turn();
      assertThat(handler.openValues()).as("not committed past yet").containsExactly("B1");

      w.consumer.commits.put(D0, new OffsetAndMetadata(1)); // the other member finished A1
      w.clock.advance(Duration.ofSeconds(1));
      w.turn();
      assertThat(handler.openValues()).containsExactly("A2", "B1");
      assertThat(parked(w)).isZero();
    }
  }

  @Test
  void aRetryThatMovesOnToAnotherDelayRecordKeepsItsKeyParked() {
    reader.updatePartitions(DELAY, List.of(new PartitionInfo(DELAY, 0, null, null, null)));
    reader.updateEndOffsets(Map.of(D0, 1L));
    reader.schedulePollTask(() -> reader.addRecord(retryOf("A", "A1", 7, 0)));
    try (MockWorker w = new MockWorker(options(), handler, () -> 1.0, reader, false)) {
      w.send(0, "A", "A2");
      w.turn();
      assertThat(handler.openValues()).isEmpty();

      // A1's retry failed again on the other member: its next retry is stored, then it commits.
      reader.addRecord(retryOf("A", "A1", 7, 1));
      reader.updateEndOffsets(Map.of(D0, 2L));
      w.consumer.commits.put(D0, new OffsetAndMetadata(1));
      w.clock.advance(Duration.ofSeconds(1));
      w.turn();
      assertThat(handler.openValues()).as("parked on the next retry").isEmpty();

      w.consumer.commits.put(D0, new OffsetAndMetadata(2));
      w.clock.advance(Duration.ofSeconds(1));
      w.turn();
      assertThat(handler.openValues()).containsExactly("A2");
    }
  }

  @Test
  void aKeyStaysParkedWhenItsDelayPartitionMovesToAnotherMember() {
    try (MockWorker w = new MockWorker(options(), handler)) {
      w.consumer.updatePartitions(DELAY, List.of(new PartitionInfo(DELAY, 0, null, null, null)));
      w.send(0, "A", "A1");
      w.send(0, "A", "A2");
      w.turn();
      handler.fail("A1", new RetryableException("sink busy"));
      w.executor.runAll();
      assertThat(w.sentTo(DELAY)).hasSize(1);

      w.assign(List.of(P0, MockWorker.P1)); // the delay partition goes to another member
      w.clock.advance(Duration.ofSeconds(1));
      w.turn();
      assertThat(handler.openValues()).as("A2 still waits for A1's retry").isEmpty();

      w.consumer.commits.put(D0, new OffsetAndMetadata(1)); // the other member finished it
      w.clock.advance(Duration.ofSeconds(1));
      w.turn();
      assertThat(handler.openValues()).containsExactly("A2");
    }
  }

  private static double parked(MockWorker w) {
    return w.registry.get(WorkerMetricNames.PARKED_RETRIES).gauge().value();
  }

  /** A retry of {@code value}, first consumed at offset {@code originOffset} of P0. */
  private static ConsumerRecord<byte[], byte[]> retryOf(
      String key, String value, long originOffset, long offset) {
    RecordHeaders headers = new RecordHeaders();
    HeaderValues.put(headers, OffloadHeaders.EVENT_ID, "event-" + value);
    HeaderValues.put(headers, OffloadHeaders.ATTEMPT, 2 + offset);
    HeaderValues.put(headers, RetryHeaders.ORIGINAL_TOPIC, P0.topic());
    HeaderValues.put(headers, RetryHeaders.ORIGINAL_PARTITION, P0.partition());
    HeaderValues.put(headers, RetryHeaders.ORIGINAL_OFFSET, originOffset);
    return new ConsumerRecord<>(
        DELAY,
        0,
        offset,
        0L,
        TimestampType.CREATE_TIME,
        -1,
        -1,
        MockWorker.bytes(key),
        MockWorker.bytes(value),
        headers,
        java.util.Optional.empty());
  }
}
