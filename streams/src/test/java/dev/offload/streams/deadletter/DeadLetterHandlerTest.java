package dev.offload.streams.deadletter;

import static dev.offload.streams.TestEvents.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.schemas.DeadLetterHeaders;
import dev.offload.streams.TestEvents;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

class DeadLetterHandlerTest {
  @Test
  void deadLettersAnUndeserializableRecordAndProcessesTheNextOne() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("numbers", Consumed.with(Serdes.String(), Serdes.Long()))
        .mapValues(n -> n * 2)
        .to("doubled", Produced.with(Serdes.String(), Serdes.Long()));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    var props = TestEvents.driverProperties("numbers-app", registry);
    Instant now = Instant.parse("2030-05-05T12:00:00Z");
    props.put(DeadLetterHandler.CLOCK_CONFIG, Clock.fixed(now, ZoneOffset.UTC));

    try (var driver = new TopologyTestDriver(builder.build(), props)) {
      var in =
          driver.createInputTopic("numbers", new StringSerializer(), new ByteArraySerializer());
      in.pipeInput(
          new TestRecord<>("k1", new byte[] {1, 2, 3}, TestEvents.headers("e1", "x", "p")));
      in.pipeInput("k2", Serdes.Long().serializer().serialize("numbers", 21L));

      assertThat(
              driver
                  .createOutputTopic(
                      "doubled", Serdes.String().deserializer(), Serdes.Long().deserializer())
                  .readValuesToList())
          .containsExactly(42L);
      List<TestRecord<byte[], byte[]>> dead =
          driver
              .createOutputTopic(
                  "offload.dlq.numbers-app",
                  new ByteArrayDeserializer(),
                  new ByteArrayDeserializer())
              .readRecordsToList();
      assertThat(dead).hasSize(1);
      var letter = dead.get(0);
      assertThat(letter.value()).containsExactly(1, 2, 3);
      assertThat(header(letter.headers(), "offload-event-id")).isEqualTo("e1");
      assertThat(header(letter.headers(), DeadLetterHeaders.REASON)).isEqualTo("deserialization");
      assertThat(header(letter.headers(), DeadLetterHeaders.ORIGINAL_TOPIC)).isEqualTo("numbers");
      assertThat(header(letter.headers(), DeadLetterHeaders.ORIGINAL_PARTITION)).isEqualTo("0");
      assertThat(header(letter.headers(), DeadLetterHeaders.FAILED_AT))
          .isEqualTo("2030-05-05T12:00:00Z");
      assertThat(header(letter.headers(), DeadLetterHeaders.GROUP)).isEqualTo("numbers-app");
      assertThat(registry.get(DeadLetterHandler.DEAD_LETTERS_METRIC).counter().count())
          .isEqualTo(1.0);
    }
  }
}
