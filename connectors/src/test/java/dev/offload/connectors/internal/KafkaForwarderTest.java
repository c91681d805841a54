package dev.offload.connectors.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.runtime.tracing.RecentSpans;
import dev.offload.runtime.tracing.Tracing;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class KafkaForwarderTest {
  /** Confluent-framed Avro (schema id 7): magic byte 0, bytes that are not UTF-8 text. */
  private static final byte[] PAYLOAD = {0, 0, 0, 0, 7, 2, (byte) 0xff, (byte) 0xfe, 0, 42};

  private static final Instant NOW = Instant.parse("2025-01-01T10:00:00.250Z");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ConnectorMetrics metrics =
      new ConnectorMetrics(registry, "test", Clock.fixed(NOW, ZoneOffset.UTC), () -> true);
  private final Committer committer = new Committer();

  @Test
  void producesEventsWithOffloadHeadersAndMarksAllAfterTheAcks() throws Exception {
    MockProducer<byte[], byte[]> producer = producer();
    List<RecordChangeEvent<SourceRecord>> batch =
        List.of(event("id-1", "user-1"), heartbeat(), event("id-2", "user-2"));

    new KafkaForwarder(producer, metrics).handleBatch(batch, committer);

    assertThat(producer.history()).hasSize(2);
    ProducerRecord<byte[], byte[]> first = producer.history().get(0);
    assertThat(first.topic()).isEqualTo("offload.events.user-signed-up");
    assertThat(new String(first.key(), StandardCharsets.UTF_8)).isEqualTo("user-1");
    assertThat(first.value()).as("the payload, byte for byte").isEqualTo(PAYLOAD);
    assertThat(headers(first))
        .containsEntry("offload-event-id", "id-1")
        .containsEntry("offload-event-type", "user-signed-up")
        .containsEntry("offload-occurred-at", "2025-01-01T10:00:00.000000Z")
        .containsEntry("offload-producer", "shop")
        .containsEntry("traceparent", "00-abc-def-01")
        .doesNotContainKey("id");
    assertThat(committer.marked).containsExactlyElementsOf(batch);
    assertThat(committer.batchesFinished).isEqualTo(1);
    assertThat(
            registry.get(ConnectorMetrics.EVENTS).tag("type", "user-signed-up").counter().count())
        .isEqualTo(2);
    assertThat(
            registry
                .get(ConnectorMetrics.CAPTURE_LATENCY)
                .timer()
                .max(java.util.concurrent.TimeUnit.MILLISECONDS))
        .isEqualTo(250);
  }

  @Test
  void theCaptureSpanRunsFromTheCommitToTheAckUnderTheRequestsSpan() throws Exception {
    Tracing tracing = Tracing.keepingRecent("offload-connector", 100);
    String trace = "0af7651916cd43dd8448eb211c80319c";
    String request = "b7ad6b7169203331";
    Instant committed = Instant.parse("2025-01-01T10:00:00.123456Z");
    long micros = committed.getEpochSecond() * 1_000_000 + committed.getNano() / 1_000;
    List<RecordChangeEvent<SourceRecord>> batch =
        List.of(
            event(
                "id-1",
                "user-1",
                Map.of("lsn", 1L, "ts_usec", micros),
                "00-" + trace + "-" + request + "-01"),
            event("id-2", "user-2"));

    new KafkaForwarder(producer(), metrics, null, tracing.tracer(KafkaForwarder.TRACER))
        .handleBatch(batch, committer);

    List<RecentSpans.SpanView> spans = tracing.recentSpans().orElseThrow().journey("id-1");
    assertThat(spans).hasSize(1);
    RecentSpans.SpanView capture = spans.get(0);
    assertThat(capture.name()).isEqualTo("outbox capture");
    assertThat(capture.traceId()).isEqualTo(trace);
    assertThat(capture.parentSpanId()).isEqualTo(request);
    assertThat(Instant.ofEpochSecond(0, capture.startNanos()))
        .as("from the commit Debezium names")
        .isEqualTo(committed);
    assertThat(capture.attributes())
        .containsEntry("messaging.destination.name", "offload.events.user-signed-up")
        .containsEntry("messaging.destination.partition.id", "0")
        .containsEntry("messaging.kafka.message.offset", 0L)
        .containsEntry("messaging.operation", "publish");
    assertThat(
            Instant.ofEpochSecond(
                0, tracing.recentSpans().orElseThrow().journey("id-2").get(0).startNanos()))
        .as("with no commit time, from the time the event was written")
        .isEqualTo(Instant.parse("2025-01-01T10:00:00Z"));
    tracing.close();
  }

  @Test
  void sendsAgainWhatKafkaRejectedAndMarksTheBatchOnlyOnceAllIsAcknowledged() throws Exception {
    AtomicInteger flushes = new AtomicInteger();
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer()) {
          @Override
          public synchronized void flush() {
            if (flushes.incrementAndGet() == 1) {
              // The broker takes the first record, then goes away.
              completeNext();
              errorNext(new org.apache.kafka.common.errors.TimeoutException("broker gone"));
              assertThat(committer.marked).as("nothing marked while refused").isEmpty();
            } else {
              while (completeNext()) {
                // the broker is back
              }
            }
          }
        };
    List<RecordChangeEvent<SourceRecord>> batch =
        List.of(event("id-1", "user-1"), event("id-2", "user-2"));

    new KafkaForwarder(producer, metrics).handleBatch(batch, committer);

    assertThat(producer.history())
        .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
        .as("the refused record sent again, after the one Kafka took")
        .containsExactly("user-1", "user-2", "user-2");
    assertThat(committer.marked).containsExactlyElementsOf(batch);
    assertThat(committer.batchesFinished).isEqualTo(1);
    assertThat(registry.get(ConnectorMetrics.RESENT).counter().count()).isEqualTo(1);
  }

  @Test
  void stopsAndMarksNothingWhenKafkaRefusesForGood() {
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer()) {
          @Override
          public synchronized void flush() {
            completeNext();
            errorNext(new SaslAuthenticationException("wrong login"));
          }
        };
    List<RecordChangeEvent<SourceRecord>> batch =
        List.of(event("id-1", "user-1"), event("id-2", "user-2"));

    assertThatThrownBy(() -> new KafkaForwarder(producer, metrics).handleBatch(batch, committer))
        .isInstanceOf(KafkaForwarder.DeliveryFailedException.class)
        .hasMessageContaining("id-2")
        .hasRootCauseMessage("wrong login");
    assertThat(committer.marked).isEmpty();
    assertThat(committer.batchesFinished).isZero();
  }

  @Test
  void payloadBytesPassThroughWhateverTheBuffersPositionAndLeaveItUntouched() {
    ByteBuffer buffer = payloadBuffer();
    int position = buffer.position();

    assertThat(OutboxRecords.bytes("t", buffer)).isEqualTo(PAYLOAD);
    assertThat(buffer.position()).isEqualTo(position);
    assertThat(OutboxRecords.bytes("t", PAYLOAD.clone())).isEqualTo(PAYLOAD);
    assertThat(OutboxRecords.bytes("t", null)).isNull();
    assertThatThrownBy(() -> OutboxRecords.bytes("offload.events.x", "{\"n\": 1}"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("offload.events.x")
        .hasMessageContaining("java.lang.String")
        .hasMessageContaining("bytea");
  }

  /** {@link #PAYLOAD} in a buffer that does not start at 0, as a slice of a larger one may. */
  private static ByteBuffer payloadBuffer() {
    ByteBuffer larger = ByteBuffer.allocate(PAYLOAD.length + 3);
    larger.put(new byte[] {9, 9, 9}).put(PAYLOAD).position(3);
    return larger;
  }

  private static MockProducer<byte[], byte[]> producer() {
    return new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static Map<String, String> headers(ProducerRecord<byte[], byte[]> record) {
    Map<String, String> map = new java.util.HashMap<>();
    for (Header h : record.headers()) {
      map.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
    }
    return map;
  }

  /** A record as the EventRouter emits it (it also adds the header "id"). */
  private static RecordChangeEvent<SourceRecord> event(String id, String key) {
    return event(id, key, Map.of("lsn", 1L), "00-abc-def-01");
  }

  private static RecordChangeEvent<SourceRecord> event(
      String id, String key, Map<String, ?> offset, String traceparent) {
    ConnectHeaders headers = new ConnectHeaders();
    headers.addString("id", id);
    headers.addString("offload-event-id", id);
    headers.addString("offload-event-type", "user-signed-up");
    headers.addString("offload-occurred-at", "2025-01-01T10:00:00.000000Z");
    headers.addString("offload-producer", "shop");
    headers.addString("traceparent", traceparent);
    SourceRecord record =
        new SourceRecord(
            Map.of("server", "test"),
            offset,
            "offload.events.user-signed-up",
            null,
            Schema.STRING_SCHEMA,
            key,
            Schema.BYTES_SCHEMA,
            payloadBuffer(),
            null,
            headers);
    return () -> record;
  }

  private static RecordChangeEvent<SourceRecord> heartbeat() {
    SourceRecord record =
        new SourceRecord(
            Map.of("server", "test"),
            Map.of("lsn", 2L),
            "__debezium-heartbeat.test",
            Schema.STRING_SCHEMA,
            "hb");
    return () -> record;
  }

  private static final class Committer
      implements DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> {
    final List<RecordChangeEvent<SourceRecord>> marked = new ArrayList<>();
    int batchesFinished;

    @Override
    public void markProcessed(RecordChangeEvent<SourceRecord> record) {
      marked.add(record);
    }

    @Override
    public void markBatchFinished() {
      batchesFinished++;
    }

    @Override
    public void markProcessed(
        RecordChangeEvent<SourceRecord> record, DebeziumEngine.Offsets sourceOffsets) {
      marked.add(record);
    }

    @Override
    public DebeziumEngine.Offsets buildOffsets() {
      throw new UnsupportedOperationException();
    }
  }
}
