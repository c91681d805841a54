package dev.offload.consumers.worker;

import static dev.offload.consumers.worker.MockWorker.P0;
import static dev.offload.consumers.worker.MockWorker.string;
import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.consumers.testing.ControlledHandler;
import dev.offload.schemas.Topics;
import java.time.Duration;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;

/**
 * A dead letter that Kafka refuses (the broker is down) is sent again with backoff; its key waits
 * behind it and the partition's commits stop before it, so the record is neither lost nor skipped,
 * and the worker moves on by itself once the broker takes the letter.
 */
class WorkerDeadLetterRetryTest {

  @Test
  void aRefusedDeadLetterIsSentAgainWhileItsKeyWaits() {
    ControlledHandler handler = new ControlledHandler();
    try (MockWorker w = new MockWorker(MockWorker.options(), handler)) {
      String dlq = Topics.deadLetters(MockWorker.GROUP);
      w.producer.sendException = new KafkaException("broker down");
      w.send(0, "k1", "POISON bytes");
      w.send(0, "k1", "after");
      w.send(0, "k2", "other");
      w.turn();
      assertThat(handler.startedValues())
          .as("the poison's key waits, other keys flow")
          .containsExactly("other");
      handler.succeed("other");
      w.executor.runAll();
      w.clock.advance(Duration.ofSeconds(1));
      w.runDueRetries();
      w.turn();
      assertThat(w.sentTo(dlq)).as("Kafka still refuses the letter").isEmpty();
      assertThat(handler.startedValues()).containsExactly("other");
      assertThat(w.committed(P0)).as("no commit past the letter").isIn(null, 0L);

      w.producer.sendException = null;
      w.clock.advance(Duration.ofSeconds(2));
      w.runDueRetries();
      assertThat(w.sentTo(dlq)).extracting(r -> string(r.value())).containsExactly("POISON bytes");
      w.turn();
      assertThat(handler.startedValues()).containsExactly("other", "after");
      handler.succeed("after");
      w.executor.runAll();
      w.clock.advance(Duration.ofSeconds(1));
      w.turn();
      assertThat(w.committed(P0)).as("the partition moved past every record").isEqualTo(3);
      assertThat(w.count(WorkerMetricNames.DEAD_LETTERED)).isEqualTo(1);
    }
  }
}
