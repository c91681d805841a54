package dev.offload.bench.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The raw baseline of a replay: a plain consumer (assigned, no group, {@code read_committed})
 * reading each partition from its start to a given end, and a plain producer (acks=all, idempotent)
 * copying key, value, headers and timestamp into another topic, flushed once at the end, or, as a
 * diagnostic variant, after every poll (as the {@code Replayer} once did).
 */
public final class RawCopy {
  private RawCopy() {}

  /**
   * Copies every record below {@code ends} into {@code into}.
   *
   * @param flushEveryPoll wait for every poll's records to be acknowledged before the next poll
   * @return records copied
   */
  public static long copy(
      String bootstrap, Map<TopicPartition, Long> ends, String into, boolean flushEveryPoll) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    AtomicReference<Exception> failed = new AtomicReference<>();
    Map<TopicPartition, Long> remaining = new HashMap<>(ends);
    remaining.values().removeIf(end -> end == 0);
    long copied = 0;
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    try (var consumer =
            new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        var producer =
            new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      consumer.assign(List.copyOf(remaining.keySet()));
      consumer.seekToBeginning(remaining.keySet());
      while (!remaining.isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("raw copy did not finish in 10 minutes");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          Long end = remaining.get(tp);
          if (end == null || r.offset() >= end) {
            continue;
          }
          producer.send(
              new ProducerRecord<>(into, null, r.timestamp(), r.key(), r.value(), r.headers()),
              (m, e) -> failed.compareAndSet(null, e));
          copied++;
          if (r.offset() + 1 >= end) {
            remaining.remove(tp);
          }
        }
        if (flushEveryPoll) {
          producer.flush();
        }
      }
      producer.flush();
    }
    if (failed.get() != null) {
      throw new IllegalStateException("raw copy failed: " + failed.get(), failed.get());
    }
    return copied;
  }
}
