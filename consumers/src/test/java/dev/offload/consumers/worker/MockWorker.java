package dev.offload.consumers.worker;

import dev.offload.consumers.testing.ManualScheduler;
import dev.offload.consumers.testing.MutableClock;
import dev.offload.consumers.testing.QueueExecutor;
import dev.offload.runtime.tracing.Tracing;
import dev.offload.schemas.OffloadHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A worker on {@link MockConsumer} and {@link MockProducer}, driven turn by turn on the test
 * thread, with a hand-moved clock, a manual scheduler and a queued executor.
 */
final class MockWorker implements AutoCloseable {
  static final String TOPIC = "offload.events.test-event";
  static final String GROUP = "test-group";
  static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
  static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

  /** Values starting with POISON cannot be deserialized. */
  static final Deserializer<String> STRINGS =
      (topic, data) -> {
        String s = new String(data, StandardCharsets.UTF_8);
        if (s.startsWith("POISON")) {
          throw new SerializationException("not a string we accept");
        }
        return s;
      };

  final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  final ManualScheduler scheduler = new ManualScheduler(clock);
  final QueueExecutor executor = new QueueExecutor();
  final KeptOpenConsumer consumer = new KeptOpenConsumer();
  final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final WorkerOptions options;
  final Worker worker;
  private final Map<TopicPartition, Long> nextOffset = new HashMap<>();
  private final AtomicInteger ids = new AtomicInteger();

  MockWorker(WorkerOptions options, EventHandler<String> handler) {
    this(options, handler, () -> 1.0);
  }

  MockWorker(WorkerOptions options, EventHandler<String> handler, DoubleSupplier jitter) {
    this(options, handler, jitter, null, true);
  }

  /**
   * A worker that reads the delay topics with {@code delayReader} (when not null) and is assigned
   * the source partitions and, when {@code ownsDelayPartitions}, partition 0 of each delay topic.
   */
  MockWorker(
      WorkerOptions options,
      EventHandler<String> handler,
      DoubleSupplier jitter,
      MockConsumer<byte[], byte[]> delayReader,
      boolean ownsDelayPartitions) {
    this(options, handler, jitter, delayReader, ownsDelayPartitions, Tracing.off());
  }

  /** A worker recording the spans of its attempts in {@code tracing}. */
  MockWorker(WorkerOptions options, EventHandler<String> handler, Tracing tracing) {
    this(options, handler, () -> 1.0, null, true, tracing);
  }

  private MockWorker(
      WorkerOptions options,
      EventHandler<String> handler,
      DoubleSupplier jitter,
      MockConsumer<byte[], byte[]> delayReader,
      boolean ownsDelayPartitions,
      Tracing tracing) {
    this.options = options;
    Worker.Builder<String> builder =
        Worker.builder(options, HandlerBinding.async("test", STRINGS, handler))
            .clients(consumer, producer)
            .clock(clock)
            .scheduler(scheduler)
            .executor(executor)
            .jitter(jitter)
            .meterRegistry(registry)
            .tracing(tracing);
    if (delayReader != null) {
      builder.delayReader(delayReader);
    }
    this.worker = builder.build();
    List<TopicPartition> partitions = new ArrayList<>(List.of(P0, P1));
    if (ownsDelayPartitions) {
      options.retry().delayTopics(GROUP).forEach(t -> partitions.add(new TopicPartition(t, 0)));
    }
    assign(partitions);
  }

  /** Defaults, with a short shutdown timeout: closing never waits long for open attempts. */
  static WorkerOptions options() {
    return WorkerOptions.defaults("mock:9092", GROUP, List.of(TOPIC))
        .withShutdownTimeout(java.time.Duration.ofMillis(100));
  }

  void assign(List<TopicPartition> partitions) {
    consumer.rebalance(partitions);
    Map<TopicPartition, Long> beginning = new HashMap<>();
    partitions.forEach(tp -> beginning.put(tp, 0L));
    consumer.updateBeginningOffsets(beginning);
  }

  /** Adds a record to partition {@code p} of the topic; returns its offset. */
  long send(int p, String key, String value) {
    return send(new TopicPartition(TOPIC, p), key, value, new RecordHeaders());
  }

  long send(TopicPartition tp, String key, String value, RecordHeaders headers) {
    long offset = nextOffset.merge(tp, 1L, Long::sum) - 1;
    if (headers.lastHeader(OffloadHeaders.EVENT_ID) == null) {
      headers.add(OffloadHeaders.EVENT_ID, bytes("event-" + ids.incrementAndGet()));
    }
    consumer.addRecord(
        new ConsumerRecord<>(
            tp.topic(),
            tp.partition(),
            offset,
            0L,
            TimestampType.CREATE_TIME,
            -1,
            -1,
            key == null ? null : bytes(key),
            bytes(value),
            headers,
            Optional.empty()));
    return offset;
  }

  /** Feeds a record the worker produced back to it, as the broker would. */
  long redeliver(ProducerRecord<byte[], byte[]> record) {
    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
    RecordHeaders headers = new RecordHeaders(record.headers().toArray());
    return send(
        tp, new String(record.key(), StandardCharsets.UTF_8), string(record.value()), headers);
  }

  /** One poll turn, then every task it started, and what those started in turn. */
  void turn() {
    worker.runOnce();
    executor.runAll();
  }

  /** Runs whatever is due on the scheduler and the tasks it starts. */
  void runDueRetries() {
    scheduler.runDue();
    executor.runAll();
  }

  double count(String meter) {
    return registry.find(meter).tag("group", GROUP).counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  List<ProducerRecord<byte[], byte[]>> sentTo(String topic) {
    return producer.history().stream().filter(r -> r.topic().equals(topic)).toList();
  }

  /** The last offset the worker committed for {@code tp}, or {@code null}. */
  Long committed(TopicPartition tp) {
    OffsetAndMetadata o = consumer.commits.get(tp);
    return o == null ? null : o.offset();
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String string(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    worker.close();
  }

  /** A mock consumer that notes the worker closed it but keeps answering, for assertions. */
  static final class KeptOpenConsumer extends MockConsumer<byte[], byte[]> {
    /** Every commit, by partition; MockConsumer forgets those of revoked partitions. */
    final Map<TopicPartition, OffsetAndMetadata> commits =
        new java.util.concurrent.ConcurrentHashMap<>();

    volatile boolean closeCalled;

    /**
     * The group's committed offsets: this member's commits and those a test puts in {@link
     * #commits} for partitions another member owns.
     */
    @Override
    public synchronized Map<TopicPartition, OffsetAndMetadata> committed(
        java.util.Set<TopicPartition> partitions) {
      Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
      for (TopicPartition tp : partitions) {
        OffsetAndMetadata o = commits.get(tp);
        if (o != null) {
          out.put(tp, o);
        }
      }
      return out;
    }

    @Override
    public synchronized void commitAsync(
        Map<TopicPartition, OffsetAndMetadata> offsets,
        org.apache.kafka.clients.consumer.OffsetCommitCallback callback) {
      commits.putAll(offsets);
      super.commitAsync(offsets, callback);
    }

    @Override
    public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
      commits.putAll(offsets);
      super.commitSync(offsets);
    }

    KeptOpenConsumer() {
      super("earliest");
    }

    @Override
    public void close() {
      closeCalled = true;
    }

    @Override
    public synchronized void close(java.time.Duration timeout) {
      closeCalled = true;
    }

    @Override
    public synchronized void close(org.apache.kafka.clients.consumer.CloseOptions options) {
      closeCalled = true;
    }
  }
}
