package dev.offload.consumers;

import dev.offload.schemas.HeaderValues;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The minimal worker: follows every {@code offload.events.*} topic in one consumer group, logs each
 * event's metadata at DEBUG (never its payload; {@code OFFLOAD_WORKER_LOG_LEVEL=DEBUG}) and counts
 * it in {@code offload.worker.events}, tagged by event type. Offsets are committed after each
 * polled batch is handled, so a restart resumes.
 */
public final class EventLogWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventLogWorker.class);

  /** Name of the counter of handled events. */
  public static final String EVENTS_METRIC = "offload.worker.events";

  private final WorkerConfig config;
  private final MeterRegistry registry;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean running;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  private EventLogWorker(WorkerConfig config, MeterRegistry registry) {
    this.config = config;
    this.registry = registry;
    this.consumer = new KafkaConsumer<>(config.consumerProperties());
    this.thread = new Thread(this::run, "offload-worker-" + config.groupId());
  }

  /** Subscribes and starts polling on a thread of its own. */
  public static EventLogWorker start(WorkerConfig config, MeterRegistry registry) {
    EventLogWorker worker = new EventLogWorker(config, registry);
    worker.consumer.subscribe(config.topics());
    worker.running = true;
    worker.thread.start();
    log.info("Worker {} follows topics matching {}", config.groupId(), config.topics());
    return worker;
  }

  /** Whether the poll loop is alive. */
  public boolean isRunning() {
    return running;
  }

  private void run() {
    try {
      while (running) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(config.pollTimeout());
        for (ConsumerRecord<byte[], byte[]> record : records) {
          handle(record);
        }
        if (!records.isEmpty()) {
          consumer.commitSync();
        }
      }
    } catch (RuntimeException e) {
      log.error("Worker {} stopped on an error", config.groupId(), e);
    } finally {
      running = false;
      consumer.close(Duration.ofSeconds(5));
      stopped.countDown();
    }
  }

  private void handle(ConsumerRecord<byte[], byte[]> record) {
    String type = HeaderValues.text(record.headers(), OffloadHeaders.EVENT_TYPE);
    if (type == null) {
      type = Topics.eventTypeOf(record.topic());
    }
    if (log.isDebugEnabled()) { // a line per event is for debugging: offload tail shows events
      log.debug(
          "event {} type={} key={} {}-{}@{}",
          HeaderValues.eventId(record.headers()),
          type,
          record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
          record.topic(),
          record.partition(),
          record.offset());
    }
    counters
        .computeIfAbsent(
            type == null ? "unknown" : type,
            t ->
                Counter.builder(EVENTS_METRIC)
                    .description("Events handled by the event-log worker")
                    .tag("type", t)
                    .tag("group", config.groupId())
                    .register(registry))
        .increment();
  }

  /** Stops polling, commits what was handled and leaves the group. */
  @Override
  public void close() {
    // The loop sees the flag within one poll timeout, commits and closes the consumer itself:
    // KafkaConsumer is not thread-safe, so it is never closed from this thread.
    running = false;
    try {
      if (!stopped.await(15, TimeUnit.SECONDS)) {
        log.warn("Worker {} did not stop within 15 s", config.groupId());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
