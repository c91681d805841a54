package dev.offload.consumers.worker;

import static dev.offload.consumers.worker.MockWorker.P0;
import static dev.offload.consumers.worker.MockWorker.string;
import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.consumers.retry.RetryPolicy;
import dev.offload.consumers.retry.RetryableException;
import dev.offload.consumers.testing.ControlledHandler;
import dev.offload.schemas.DeadLetterHeaders;
import dev.offload.schemas.HeaderValues;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class WorkerDeadLetterTest {

  @Test
  void poisonFatalAndExhaustedRecordsAreDeadLetteredWithTheFullHeaderSet() {
    ControlledHandler handler = new ControlledHandler();
    RetryPolicy retry =
        RetryPolicy.defaults()
            .withBackoff(Duration.ofMillis(10), Duration.ofMillis(10))
            .inPlaceOnly()
            .withMaxAttempts(2);
    try (MockWorker w = new MockWorker(MockWorker.options().withRetry(retry), handler)) {
      w.send(0, "k1", "ok");
      w.send(0, "k2", "POISON bytes");
      w.send(0, "k3", "bad");
      w.send(0, "k4", "flaky");
      w.turn();
      assertThat(handler.startedValues()).containsExactlyInAnyOrder("ok", "bad", "flaky");

      handler.fail("bad", new IllegalArgumentException("no such template"));
      handler.fail("flaky", new RetryableException("smtp refused"));
      w.executor.runAll();
      w.clock.advance(Duration.ofMillis(10));
      w.runDueRetries();
      handler.fail("flaky", new RetryableException("smtp refused again"));
      handler.succeed("ok");
      w.executor.runAll();

      Map<String, ProducerRecord<byte[], byte[]>> letters =
          w.sentTo(Topics.deadLetters(MockWorker.GROUP)).stream()
              .collect(Collectors.toMap(r -> string(r.key()), r -> r));
      assertThat(letters).containsOnlyKeys("k2", "k3", "k4");
      assertLetter(letters.get("k2"), "POISON bytes", 1, "deserialization", 1);
      assertLetter(letters.get("k3"), "bad", 2, "fatal", 1);
      assertLetter(letters.get("k4"), "flaky", 3, "retries-exhausted", 2);
      assertThat(header(letters.get("k4"), DeadLetterHeaders.EXCEPTION_MESSAGE))
          .isEqualTo("smtp refused again");
      assertThat(header(letters.get("k4"), DeadLetterHeaders.FIRST_FAILED_AT))
          .isEqualTo(w.clock.instant().minusMillis(10).toString());
      assertThat(header(letters.get("k4"), DeadLetterHeaders.FAILED_AT))
          .isEqualTo(w.clock.instant().toString());

      assertThat(w.count(WorkerMetricNames.DEAD_LETTERED)).isEqualTo(3);
      assertThat(w.count(WorkerMetricNames.FAILED)).isEqualTo(4);
      assertThat(w.count(WorkerMetricNames.RETRIED)).isEqualTo(1);
      assertThat(w.count(WorkerMetricNames.HANDLED)).isEqualTo(1);
      w.clock.advance(Duration.ofSeconds(1));
      w.turn();
      assertThat(w.committed(P0)).as("the partition moved past every letter").isEqualTo(4);
    }
  }

  private static void assertLetter(
      ProducerRecord<byte[], byte[]> letter, String value, long offset, String reason, int n) {
    assertThat(string(letter.value())).isEqualTo(value);
    assertThat(allHeaderNames()).allSatisfy(name -> assertThat(header(letter, name)).isNotNull());
    assertThat(header(letter, DeadLetterHeaders.REASON)).isEqualTo(reason);
    assertThat(header(letter, DeadLetterHeaders.ORIGINAL_TOPIC)).isEqualTo(MockWorker.TOPIC);
    assertThat(header(letter, DeadLetterHeaders.ORIGINAL_PARTITION)).isEqualTo("0");
    assertThat(header(letter, DeadLetterHeaders.ORIGINAL_OFFSET)).isEqualTo(Long.toString(offset));
    assertThat(header(letter, DeadLetterHeaders.GROUP)).isEqualTo(MockWorker.GROUP);
    assertThat(header(letter, DeadLetterHeaders.ATTEMPTS)).isEqualTo(Integer.toString(n));
    assertThat(header(letter, DeadLetterHeaders.STACKTRACE)).contains("\tat ");
    assertThat(header(letter, OffloadHeaders.EVENT_ID)).as("original headers kept").isNotNull();
  }

  static List<String> allHeaderNames() {
    return Arrays.stream(DeadLetterHeaders.class.getFields())
        .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class)
        .filter(f -> !f.getName().equals("PREFIX"))
        .map(WorkerDeadLetterTest::value)
        .toList();
  }

  private static String value(Field f) {
    try {
      return (String) f.get(null);
    } catch (IllegalAccessException e) {
      throw new AssertionError(e);
    }
  }

  private static String header(ProducerRecord<byte[], byte[]> record, String name) {
    return HeaderValues.text(record.headers(), name);
  }
}
