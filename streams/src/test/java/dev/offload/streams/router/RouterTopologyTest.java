package dev.offload.streams.router;

import static dev.offload.streams.TestEvents.bytes;
import static dev.offload.streams.TestEvents.header;
import static dev.offload.streams.TestEvents.headers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.schemas.DeadLetterHeaders;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import dev.offload.streams.TestEvents;
import dev.offload.streams.TopologyContext;
import dev.offload.streams.internal.EventDeduplicator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RouterTopologyTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private TopologyTestDriver driver;

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  private TestInputTopic<byte[], byte[]> start(RouterConfig config, String type) {
    driver =
        new TopologyTestDriver(
            RouterTopology.build(config), TestEvents.driverProperties("router-test", registry));
    return driver.createInputTopic(
        Topics.events(type),
        new ByteArraySerializer(),
        new ByteArraySerializer(),
        T0,
        Duration.ZERO);
  }

  private TestInputTopic<byte[], byte[]> input(String type) {
    return driver.createInputTopic(
        Topics.events(type), new ByteArraySerializer(), new ByteArraySerializer());
  }

  private TestOutputTopic<byte[], byte[]> output(String topic) {
    return driver.createOutputTopic(
        topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private double metric(String name) {
    return driver.metrics().entrySet().stream()
        .filter(e -> e.getKey().name().equals(name))
        .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
        .sum();
  }

  @Test
  void routesEachTypeToItsHandlersKeepingKeyValueAndHeaders() {
    TestInputTopic<byte[], byte[]> signups = start(RouterConfig.defaults(), "user-signed-up");
    TestInputTopic<byte[], byte[]> docs = input("document-changed");
    TestInputTopic<byte[], byte[]> views = input("page-viewed");
    TestInputTopic<byte[], byte[]> resets = input("password-reset-requested");

    signups.pipeInput(
        new TestRecord<>(
            bytes("user-1"), bytes("{\"a\":1}"), headers("e1", "user-signed-up", "shop"), T0));
    docs.pipeInput(
        new TestRecord<>(
            bytes("doc-9"), bytes("{\"d\":2}"), headers("e2", "document-changed", "cms"), T0));
    views.pipeInput(
        new TestRecord<>(bytes("page-3"), bytes("{}"), headers("e3", "page-viewed", "web"), T0));
    resets.pipeInput(
        new TestRecord<>(
            bytes("user-2"), bytes("{}"), headers("e4", "password-reset-requested", "shop"), T0));

    List<TestRecord<byte[], byte[]>> email = output("offload.work.email").readRecordsToList();
    assertThat(email).hasSize(2);
    assertThat(email.get(0).key()).isEqualTo(bytes("user-1"));
    assertThat(email.get(0).value()).isEqualTo(bytes("{\"a\":1}"));
    assertThat(email.get(0).timestamp()).isEqualTo(T0.toEpochMilli());
    assertThat(header(email.get(0).headers(), OffloadHeaders.EVENT_ID)).isEqualTo("e1");
    assertThat(header(email.get(0).headers(), OffloadHeaders.EVENT_TYPE))
        .isEqualTo("user-signed-up");
    assertThat(header(email.get(0).headers(), OffloadHeaders.PRODUCER)).isEqualTo("shop");
    assertThat(email.get(1).key()).isEqualTo(bytes("user-2"));
    assertThat(output("offload.work.index").readKeyValuesToList())
        .extracting(kv -> new String(kv.key))
        .containsExactly("doc-9");
    assertThat(output("offload.work.analytics").readKeyValuesToList())
        .extracting(kv -> new String(kv.key))
        .containsExactly("page-3");
  }

  @Test
  void takesTheTypeFromTheTopicWhenTheHeaderIsMissing() {
    TestInputTopic<byte[], byte[]> docs = start(RouterConfig.defaults(), "document-changed");

    docs.pipeInput(new TestRecord<>(bytes("doc-1"), bytes("{}"), headers("e1", null, null), T0));

    assertThat(output("offload.work.index").getQueueSize()).isEqualTo(1);
  }

  @Test
  void dropsDuplicateEventIdsWithinTheRetentionWindow() {
    TestInputTopic<byte[], byte[]> in = start(RouterConfig.defaults(), "document-changed");

    in.pipeInput(new TestRecord<>(bytes("doc-1"), bytes("v1"), headers("e1", null, null), T0));
    in.pipeInput(
        new TestRecord<>(
            bytes("doc-1"), bytes("v1"), headers("e1", null, null), T0.plusSeconds(5)));
    in.pipeInput(new TestRecord<>(bytes("doc-1"), bytes("v2"), headers("e2", null, null), T0));
    in.pipeInput(
        new TestRecord<>(
            bytes("doc-1"), bytes("v1"), headers("e1", null, null), T0.plusSeconds(59 * 60)));

    assertThat(output("offload.work.index").readValuesToList())
        .extracting(String::new)
        .containsExactly("v1", "v2");
    assertThat(metric(EventDeduplicator.DUPLICATE_DROPPED + "-total")).isEqualTo(2.0);
  }

  @Test
  void forwardsTheSameIdAgainOnceTheRetentionWindowHasPassed() {
    RouterConfig config = RouterConfig.defaults();
    TestInputTopic<byte[], byte[]> in = start(config, "document-changed");

    in.pipeInput(new TestRecord<>(bytes("d"), bytes("v"), headers("e1", null, null), T0));
    in.pipeInput(
        new TestRecord<>(
            bytes("d"), bytes("v"), headers("e1", null, null), T0.plus(Duration.ofHours(3))));

    assertThat(output("offload.work.index").getQueueSize()).isEqualTo(2);
  }

  @Test
  void dropsADuplicateThatCarriesAnEarlierTimestampWithinTheWindow() {
    TestInputTopic<byte[], byte[]> in = start(RouterConfig.defaults(), "document-changed");

    in.pipeInput(
        new TestRecord<>(
            bytes("d"), bytes("first"), headers("e1", null, null), T0.plusSeconds(30 * 60)));
    in.pipeInput(new TestRecord<>(bytes("d"), bytes("again"), headers("e1", null, null), T0));

    assertThat(output("offload.work.index").readValuesToList())
        .extracting(String::new)
        .containsExactly("first");
  }

  @Test
  void dropsDuplicatesWithinTheWindowAcrossAnyBoundaryAndForwardsThemJustAfterIt() {
    Duration retention = Duration.ofHours(1);
    TestInputTopic<byte[], byte[]> in = start(RouterConfig.defaults(), "document-changed");
    Instant first = T0.plus(Duration.ofMinutes(50));

    in.pipeInput(new TestRecord<>(bytes("d"), bytes("v1"), headers("e1", null, null), first));
    // 20 minutes later, in the next hour.
    in.pipeInput(
        new TestRecord<>(
            bytes("d"), bytes("v1"), headers("e1", null, null), first.plusSeconds(20 * 60)));
    // Exactly one retention later: still within the window.
    in.pipeInput(
        new TestRecord<>(
            bytes("d"), bytes("v1"), headers("e1", null, null), first.plus(retention)));
    // One millisecond more: remembered no longer.
    in.pipeInput(
        new TestRecord<>(
            bytes("d"),
            bytes("v1-late"),
            headers("e1", null, null),
            first.plus(retention).plusMillis(1)));

    assertThat(output("offload.work.index").readValuesToList())
        .extracting(String::new)
        .containsExactly("v1", "v1-late");
    assertThat(metric(EventDeduplicator.DUPLICATE_DROPPED + "-total")).isEqualTo(2.0);
  }

  @Test
  void treatsAUuidInAnyLetterCaseAndSurroundingSpaceAsTheSameId() {
    TestInputTopic<byte[], byte[]> in = start(RouterConfig.defaults(), "document-changed");
    String id = "0b5e9c1e-3f4a-4c1b-9d2e-7a6b5c4d3e2f";

    in.pipeInput(new TestRecord<>(bytes("d"), bytes("v1"), headers(id, null, null), T0));
    in.pipeInput(
        new TestRecord<>(
            bytes("d"), bytes("v1"), headers(" " + id.toUpperCase() + " ", null, null), T0));
    in.pipeInput(
        new TestRecord<>(bytes("d"), bytes("v2"), headers(id.replace('f', 'e'), null, null), T0));

    assertThat(output("offload.work.index").readValuesToList())
        .extracting(String::new)
        .containsExactly("v1", "v2");
  }

  @Test
  void dropsUnknownTypesAndCountsThem() {
    TestInputTopic<byte[], byte[]> in = start(RouterConfig.defaults(), "order-placed");

    in.pipeInput(new TestRecord<>(bytes("o"), bytes("v"), headers("e1", null, null), T0));

    assertThat(metric(RouterTopology.UNKNOWN_TYPE_DROPPED + "-total")).isEqualTo(1.0);
    assertThat(output(RouterConfig.DEFAULT_CATCH_ALL).isEmpty()).isTrue();
  }

  @Test
  void sendsUnknownTypesToTheCatchAllTopicWhenConfigured() {
    RouterConfig config =
        router(
            Map.of(
                "unknown-types", "catch-all",
                "catch-all-topic", "offload.work.misc",
                "routes", Map.of("order-placed", List.of("billing"))));
    TestInputTopic<byte[], byte[]> in = start(config, "user-signed-up");

    in.pipeInput(new TestRecord<>(bytes("u"), bytes("v"), headers("e1", null, null), T0));

    assertThat(output("offload.work.misc").readKeyValuesToList())
        .extracting(kv -> new String(kv.key))
        .containsExactly("u");
    assertThat(output("offload.work.email").isEmpty()).isTrue();
  }

  @Test
  void deadLettersARecordWithoutEventIdAndProcessesTheNextOne() {
    TestInputTopic<byte[], byte[]> in = start(RouterConfig.defaults(), "document-changed");

    in.pipeInput(new TestRecord<>(bytes("bad"), bytes("poison"), headers(null, null, "cms"), T0));
    in.pipeInput(new TestRecord<>(bytes("good"), bytes("fine"), headers("e2", null, null), T0));

    assertThat(output("offload.work.index").readValuesToList())
        .extracting(String::new)
        .containsExactly("fine");
    List<TestRecord<byte[], byte[]>> dead = output("offload.dlq.router-test").readRecordsToList();
    assertThat(dead).hasSize(1);
    TestRecord<byte[], byte[]> letter = dead.get(0);
    assertThat(letter.key()).isEqualTo(bytes("bad"));
    assertThat(letter.value()).isEqualTo(bytes("poison"));
    assertThat(header(letter.headers(), OffloadHeaders.PRODUCER)).isEqualTo("cms");
    assertThat(header(letter.headers(), DeadLetterHeaders.REASON)).isEqualTo("processing");
    assertThat(header(letter.headers(), DeadLetterHeaders.EXCEPTION_CLASS))
        .isEqualTo(IllegalArgumentException.class.getName());
    assertThat(header(letter.headers(), DeadLetterHeaders.EXCEPTION_MESSAGE))
        .contains("offload-event-id");
    assertThat(header(letter.headers(), DeadLetterHeaders.ORIGINAL_TOPIC))
        .isEqualTo("offload.events.document-changed");
    assertThat(header(letter.headers(), DeadLetterHeaders.ORIGINAL_OFFSET)).isEqualTo("0");
    assertThat(header(letter.headers(), DeadLetterHeaders.GROUP)).isEqualTo("router-test");
    assertThat(header(letter.headers(), DeadLetterHeaders.FAILED_AT)).isNotBlank();
    assertThat(header(letter.headers(), DeadLetterHeaders.STACKTRACE)).contains("EventEnvelope");
    assertThat(header(letter.headers(), "__streams.errors.exception")).isNotBlank();
    assertThat(
            registry
                .counter(
                    "offload.streams.records.dead.lettered",
                    "topology",
                    "router-test",
                    "reason",
                    "processing")
                .count())
        .isEqualTo(1.0);
  }

  @Test
  void rejectsAnInvalidRoutingTableNamingTheField() {
    assertThatThrownBy(() -> router(Map.of("routes", Map.of("Bad_Type", "x"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("topologies.router.routes: ")
        .hasMessageContaining("Bad_Type");
    assertThatThrownBy(() -> router(Map.of("dedup-retention", "forever")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("topologies.router.dedup-retention: ");
    assertThatThrownBy(() -> router(Map.of("unknown-types", "bounce")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("topologies.router.unknown-types: ")
        .hasMessageContaining("catch-all");
    assertThatThrownBy(() -> router(Map.of("rotues", Map.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("topologies.router.rotues: unknown setting")
        .hasMessageContaining("routes");
    assertThatThrownBy(
            () ->
                new RouterConfig(
                    Topics.ALL_EVENTS, Map.of(), UnknownTypes.CATCH_ALL, null, Duration.ZERO))
        .hasMessageContaining("catch-all-topic");
  }

  @Test
  void readsTheRouterSectionOntoTheDefaults() {
    RouterConfig config =
        router(
            Map.of(
                "input-pattern", "offload\\.events\\.(user|page)-.*",
                "routes", Map.of("page-viewed", "analytics"),
                "dedup-retention", "10m"));

    assertThat(config.inputPattern().pattern()).isEqualTo("offload\\.events\\.(user|page)-.*");
    assertThat(config.routes()).isEqualTo(Map.of("page-viewed", List.of("analytics")));
    assertThat(config.dedupRetention()).isEqualTo(Duration.ofMinutes(10));
    assertThat(config.unknownTypes()).isEqualTo(UnknownTypes.DROP);
    assertThat(config.catchAllTopic()).isEqualTo(RouterConfig.DEFAULT_CATCH_ALL);
  }

  @Test
  void withSpansTheRoutedCopiesCarryTheRoutingsTraceparentAChildOfTheEventsOwn() {
    try (dev.offload.runtime.tracing.Tracing tracing =
        dev.offload.runtime.tracing.Tracing.keepingRecent("test", 100)) {
      driver =
          new TopologyTestDriver(
              RouterTopology.build(RouterConfig.defaults(), tracing.tracer("test")),
              TestEvents.driverProperties("router-test", registry));
      String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
      var headers = headers("e1", "user-signed-up", "shop");
      headers.add(
          dev.offload.schemas.OffloadHeaders.TRACEPARENT,
          bytes("00-" + trace + "-00f067aa0ba902b7-01"));
      input("user-signed-up")
          .pipeInput(new TestRecord<>(bytes("user-1"), bytes("{}"), headers, T0));

      var routed = output("offload.work.email").readRecord();
      var spans = tracing.recentSpans().orElseThrow().journey("e1");

      assertThat(spans)
          .singleElement()
          .satisfies(
              span -> {
                assertThat(span.name()).isEqualTo("router route");
                assertThat(span.attributes())
                    .as("the work topics it was routed to")
                    .containsEntry(
                        "offload.routed.to",
                        RouterConfig.defaults().destinations("user-signed-up"));
                assertThat(span.traceId()).isEqualTo(trace);
                assertThat(span.parentSpanId()).isEqualTo("00f067aa0ba902b7");
                assertThat(
                        new String(
                            routed
                                .headers()
                                .lastHeader(dev.offload.schemas.OffloadHeaders.TRACEPARENT)
                                .value(),
                            java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo("00-" + trace + "-" + span.spanId() + "-01");
              });
    }
  }

  /** The router's configuration as {@code topologies.router} of a streams file reads. */
  private static RouterConfig router(Map<String, Object> section) {
    return new TopologyContext("router", "router-test", section).bind(RouterConfig.defaults());
  }
}
