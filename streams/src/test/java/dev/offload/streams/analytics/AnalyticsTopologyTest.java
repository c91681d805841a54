package dev.offload.streams.analytics;

import static dev.offload.streams.TestEvents.bytes;
import static dev.offload.streams.TestEvents.header;
import static dev.offload.streams.TestEvents.headers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.schemas.DeadLetterHeaders;
import dev.offload.schemas.Topics;
import dev.offload.streams.TestEvents;
import dev.offload.streams.TopologyContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AnalyticsTopologyTest {
  private static final Instant T0 = Instant.parse("2030-01-01T10:00:00Z");
  private final AnalyticsConfig config = AnalyticsConfig.defaults();
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> signups;
  private TestInputTopic<byte[], byte[]> orders;
  private int ids;

  @BeforeEach
  void start() {
    driver =
        new TopologyTestDriver(
            AnalyticsTopology.build(config),
            TestEvents.driverProperties("analytics-test", new SimpleMeterRegistry()));
    signups = input(Topics.events("user-signed-up"));
    orders = input(Topics.events("order-placed"));
  }

  @AfterEach
  void close() {
    driver.close();
  }

  private TestInputTopic<byte[], byte[]> input(String topic) {
    return driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private void send(TestInputTopic<byte[], byte[]> in, String producer, Instant at) {
    String id = "e" + ++ids;
    in.pipeInput(new TestRecord<>(bytes("k-" + id), bytes("{}"), headers(id, null, producer), at));
  }

  private long count(CountDimension dimension, CountWindow window, String key, Instant start) {
    WindowStore<String, Long> store =
        driver.getWindowStore(AnalyticsTopology.storeName(dimension, window));
    Long value = store.fetch(key, start.toEpochMilli());
    return value == null ? 0 : value;
  }

  @Test
  void countsPerTypeAndPerProducerInOneMinuteWindows() {
    send(signups, "shop", T0);
    send(signups, "shop", T0.plusSeconds(20));
    send(orders, "shop", T0.plusSeconds(30));
    send(signups, "crm", T0.plusSeconds(61));

    assertThat(count(CountDimension.TYPE, CountWindow.MINUTE, "user-signed-up", T0)).isEqualTo(2);
    assertThat(count(CountDimension.TYPE, CountWindow.MINUTE, "order-placed", T0)).isEqualTo(1);
    assertThat(count(CountDimension.TYPE, CountWindow.MINUTE, "user-signed-up", T0.plusSeconds(60)))
        .isEqualTo(1);
    assertThat(count(CountDimension.PRODUCER, CountWindow.MINUTE, "shop", T0)).isEqualTo(3);
    assertThat(count(CountDimension.PRODUCER, CountWindow.MINUTE, "crm", T0.plusSeconds(60)))
        .isEqualTo(1);
  }

  @Test
  void countsOutOfOrderAndLateEventsWithinGraceAndDropsThoseAfterIt() {
    send(signups, "shop", T0.plusSeconds(50));
    send(signups, "shop", T0.plusSeconds(10)); // out of order, same window
    send(signups, "shop", T0.plusSeconds(80)); // stream time now 10:01:20
    send(signups, "shop", T0.plusSeconds(5)); // late, window [10:00,10:01) open until 10:01:30
    send(signups, "shop", T0.plusSeconds(200)); // stream time now 10:03:20, window closed
    send(signups, "shop", T0.plusSeconds(15)); // too late: dropped

    assertThat(count(CountDimension.TYPE, CountWindow.MINUTE, "user-signed-up", T0)).isEqualTo(3);
    assertThat(count(CountDimension.TYPE, CountWindow.MINUTE, "user-signed-up", T0.plusSeconds(60)))
        .isEqualTo(1);
    // the hour windows are still open, so the event dropped from the minute window counts there
    assertThat(count(CountDimension.TYPE, CountWindow.HOUR, "user-signed-up", T0)).isEqualTo(6);
  }

  @Test
  void countsEachEventInEveryHourWindowThatHopsOverIt() {
    send(orders, "shop", T0.plus(Duration.ofMinutes(7)));

    assertThat(count(CountDimension.TYPE, CountWindow.HOUR, "order-placed", T0)).isEqualTo(1);
    assertThat(count(CountDimension.TYPE, CountWindow.HOUR, "order-placed", T0.plusSeconds(300)))
        .isEqualTo(1);
    assertThat(count(CountDimension.TYPE, CountWindow.HOUR, "order-placed", T0.plusSeconds(600)))
        .isZero();
    assertThat(
            count(
                CountDimension.TYPE,
                CountWindow.HOUR,
                "order-placed",
                T0.minus(Duration.ofMinutes(50))))
        .isEqualTo(1);
  }

  @Test
  void writesEveryUpdatedCountAsJsonToTheView() throws Exception {
    send(signups, "shop", T0);
    send(signups, "shop", T0.plusSeconds(1));

    var out =
        driver.createOutputTopic(
            config.outputTopic(CountDimension.TYPE, CountWindow.MINUTE),
            new StringDeserializer(),
            new StringDeserializer());
    assertThat(config.outputTopic(CountDimension.TYPE, CountWindow.MINUTE))
        .isEqualTo("offload.analytics.counts-by-type-1m");
    var updates = out.readKeyValuesToList();
    assertThat(updates).hasSize(2);
    assertThat(updates.get(1).key).isEqualTo("user-signed-up@2030-01-01T10:00:00Z");
    JsonNode last = AnalyticsTopology.JSON.readTree(updates.get(1).value);
    assertThat(last.get("count").asLong()).isEqualTo(2);
    assertThat(last.get("start").asText()).isEqualTo("2030-01-01T10:00:00Z");
    assertThat(last.get("end").asText()).isEqualTo("2030-01-01T10:01:00Z");
    assertThat(last.get("window").asText()).isEqualTo("1m");
  }

  @Test
  void countsARedeliveredEventOnce() {
    TestRecord<byte[], byte[]> event =
        new TestRecord<>(bytes("k"), bytes("{}"), headers("same-id", null, "shop"), T0);
    signups.pipeInput(event);
    signups.pipeInput(event);

    assertThat(count(CountDimension.TYPE, CountWindow.MINUTE, "user-signed-up", T0)).isEqualTo(1);
  }

  @Test
  void deadLettersAnEventWithNoTypeAndCountsTheNextOne() {
    TestInputTopic<byte[], byte[]> odd = input("offload.events.Not_Kebab");
    odd.pipeInput(new TestRecord<>(bytes("k"), bytes("poison"), headers("p1", null, "shop"), T0));
    send(signups, "shop", T0);

    assertThat(count(CountDimension.TYPE, CountWindow.MINUTE, "user-signed-up", T0)).isEqualTo(1);
    assertThat(count(CountDimension.PRODUCER, CountWindow.MINUTE, "shop", T0)).isEqualTo(1);
    List<TestRecord<byte[], byte[]>> dead =
        driver
            .createOutputTopic(
                "offload.dlq.analytics-test",
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())
            .readRecordsToList();
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).value()).isEqualTo(bytes("poison"));
    assertThat(header(dead.get(0).headers(), DeadLetterHeaders.ORIGINAL_TOPIC))
        .isEqualTo("offload.events.Not_Kebab");
    assertThat(header(dead.get(0).headers(), DeadLetterHeaders.EXCEPTION_MESSAGE))
        .contains("offload-event-type");
  }

  @Test
  void validatesTheConfigurationNamingTheField() {
    assertThatThrownBy(() -> analytics(Map.of("retention", "30m")))
        .hasMessageStartingWith("topologies.analytics.retention: ");
    assertThatThrownBy(() -> analytics(Map.of("hour-advance", "2h")))
        .hasMessageStartingWith("topologies.analytics.hour-advance: ");
    assertThatThrownBy(() -> analytics(Map.of("partitions", "three")))
        .hasMessageStartingWith("topologies.analytics.partitions: not an integer");
    assertThatThrownBy(() -> analytics(Map.of("windows", "1m")))
        .hasMessageStartingWith("topologies.analytics.windows: unknown setting");
    assertThat(
            analytics(Map.of("grace", "10s", "view-prefix", "x"))
                .outputTopic(CountDimension.PRODUCER, CountWindow.HOUR))
        .isEqualTo("offload.analytics.x-by-producer-1h");
  }

  /** The analytics configuration as {@code topologies.analytics} of a streams file reads. */
  private static AnalyticsConfig analytics(Map<String, Object> section) {
    return new TopologyContext("analytics", "analytics-test", section)
        .bind(AnalyticsConfig.defaults());
  }
}
