package dev.offload.bench.internal;

import dev.offload.schemas.OffloadHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The raw baseline of a routing stream processor: one thread with a plain {@link KafkaConsumer}
 * (consumer group, pattern subscription) and a plain {@link KafkaProducer} (acks=all, idempotent)
 * that reads each record's type header, sends a copy (key, value, headers, timestamp) to each
 * destination topic of that type, and every commit interval flushes the producer and commits the
 * consumed offsets: at-least-once, the way a hand-written loop does it.
 *
 * <p>Both clients keep the Kafka 4.3 defaults otherwise (consumer {@code max.poll.records} 500,
 * producer {@code linger.ms} 5 and {@code batch.size} 16 KiB); Kafka Streams gives the topologies
 * {@code max.poll.records} 1000 and {@code linger.ms} 100. The destinations of a type are looked up
 * once and kept, as the router keeps its table.
 */
public final class RawRouteLoop implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<byte[], byte[]> producer;
  private final Map<String, List<String>> destinations = new HashMap<>();
  private final Function<String, List<String>> routes;
  private final Duration commitInterval;
  private final Pattern input;
  private final Thread thread;
  private final AtomicLong assignedAt = new AtomicLong();
  private final AtomicLong produced = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final AtomicReference<Exception> sendError = new AtomicReference<>();
  private final Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
  private volatile boolean running = true;

  private RawRouteLoop(
      String bootstrap,
      String group,
      Pattern input,
      Function<String, List<String>> destinations,
      Duration commitInterval) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    this.consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    this.routes = destinations;
    this.commitInterval = commitInterval;
    this.input = input;
    this.thread = new Thread(this::loop, "offload-bench-raw-loop-" + group);
  }

  /**
   * Starts the loop in its own thread.
   *
   * @param destinations the topics a record of a type goes to (none: dropped)
   */
  public static RawRouteLoop start(
      String bootstrap,
      String group,
      Pattern input,
      Function<String, List<String>> destinations,
      Duration commitInterval) {
    RawRouteLoop loop = new RawRouteLoop(bootstrap, group, input, destinations, commitInterval);
    loop.thread.start();
    return loop;
  }

  private void loop() {
    try {
      consumer.subscribe(
          input,
          new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
              if (!partitions.isEmpty()) {
                assignedAt.compareAndSet(0, System.nanoTime());
              }
            }
          });
      long lastCommit = System.nanoTime();
      while (running) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          route(record);
          pending.put(
              new TopicPartition(record.topic(), record.partition()),
              new OffsetAndMetadata(record.offset() + 1));
        }
        if (System.nanoTime() - lastCommit >= commitInterval.toNanos()) {
          commit();
          lastCommit = System.nanoTime();
        }
      }
      commit();
    } catch (WakeupException e) {
      if (running) {
        failure.set(e);
      }
    } catch (RuntimeException e) {
      failure.set(e);
    }
  }

  private void route(ConsumerRecord<byte[], byte[]> record) {
    Header type = record.headers().lastHeader(OffloadHeaders.EVENT_TYPE);
    if (type == null) {
      return;
    }
    String name = new String(type.value(), StandardCharsets.UTF_8);
    for (String target : destinations.computeIfAbsent(name, routes)) {
      ProducerRecord<byte[], byte[]> out =
          new ProducerRecord<>(
              target, null, record.timestamp(), record.key(), record.value(), record.headers());
      producer.send(out, (m, e) -> sendError.compareAndSet(null, e));
      produced.incrementAndGet();
    }
  }

  private void commit() {
    if (pending.isEmpty()) {
      return;
    }
    producer.flush();
    if (sendError.get() != null) {
      throw new IllegalStateException("the raw loop's producer failed", sendError.get());
    }
    consumer.commitSync(Map.copyOf(pending));
    pending.clear();
  }

  /** {@link System#nanoTime()} when partitions were first assigned, 0 until then. */
  public long assignedAt() {
    return assignedAt.get();
  }

  /** Records sent to destination topics so far. */
  public long produced() {
    return produced.get();
  }

  /** Whether the loop stopped on an error. */
  public boolean failed() {
    return failure.get() != null;
  }

  /** Stops the loop (committing what it read) and closes both clients. */
  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(Duration.ofSeconds(30).toMillis());
    consumer.close();
    producer.close();
    Throwable t = failure.get();
    if (t != null) {
      throw new IllegalStateException("the raw consume-transform-produce loop failed: " + t, t);
    }
  }
}
