package dev.offload.bench.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a topic from its current end and records, for each event that carries a sequence number in
 * its data, the time from publishing it to its arrival on Kafka.
 */
public final class ArrivalTracker implements AutoCloseable {
  private static final Pattern SEQ = Pattern.compile("\"seq\":\\s*(\\d+)");

  private final Map<Long, Long> sentAt = new ConcurrentHashMap<>();
  private final Latencies latencies = new Latencies();
  private final AtomicLong arrived = new AtomicLong();
  private final AtomicLong firstArrival = new AtomicLong();
  private final AtomicLong lastArrival = new AtomicLong();
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private volatile boolean running = true;

  /** Starts reading {@code topic} at its end. */
  public ArrivalTracker(String bootstrapServers, String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic).stream()
            .map(i -> new TopicPartition(topic, i.partition()))
            .toList();
    if (partitions.isEmpty()) {
      consumer.close();
      throw new IllegalStateException("topic " + topic + " does not exist yet");
    }
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
    thread = new Thread(this::run, "bench-arrivals");
    thread.start();
  }

  /** Marks event {@code seq} as published now. */
  public void sent(long seq) {
    sentAt.put(seq, System.nanoTime());
  }

  private void run() {
    while (running) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        long now = System.nanoTime();
        Matcher m = SEQ.matcher(new String(r.value(), StandardCharsets.UTF_8));
        Long sent = m.find() ? sentAt.remove(Long.parseLong(m.group(1))) : null;
        if (sent != null) {
          latencies.recordNanos(now - sent);
          firstArrival.compareAndSet(0, now);
          lastArrival.set(now);
          arrived.incrementAndGet();
        }
      }
    }
    consumer.close();
  }

  /** Events that arrived so far. */
  public long arrived() {
    return arrived.get();
  }

  /** Publish-to-arrival latencies. */
  public Latencies latencies() {
    return latencies;
  }

  /** Nanoseconds from the first to the last arrival. */
  public long arrivalSpanNanos() {
    return lastArrival.get() - firstArrival.get();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(10_000);
  }
}
