package dev.offload.bench.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Records for the workers benchmark: keys spread over {@code keys} distinct values, each value
 * stamped with the {@link System#nanoTime()} it was sent at (the benchmark runs in one JVM).
 */
public final class TimedLoad {
  /** The key whose record is stuck in the stuck-key experiment. */
  public static final String STUCK_KEY = "stuck-key";

  /** The key of the record that waits for the group to form. */
  public static final String WARMUP_KEY = "warm-up";

  private static final int VALUE_BYTES = 100;

  private final String bootstrap;
  private final int keys;

  /** Load on {@code bootstrap} over {@code keys} keys. */
  public TimedLoad(String bootstrap, int keys) {
    this.bootstrap = bootstrap;
    this.keys = keys;
  }

  /** Produces {@code count} records as fast as the producer goes; waits for each ack. */
  public void produce(String topic, int count) {
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (int i = 0; i < count; i++) {
        producer.send(record(topic, "k" + (i % keys)));
      }
      producer.flush();
    }
  }

  /** One record that tells when the consumer group has formed. */
  public void warmUp(String topic) {
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      producer.send(record(topic, WARMUP_KEY));
      producer.flush();
    }
  }

  /**
   * Produces {@code rate} records per second for {@code duration}, after one first record: of
   * {@link #STUCK_KEY} when {@code stuck}, else of {@link #WARMUP_KEY} (not measured either), so
   * that with and without the stuck key the producer fetches its metadata before the timed load.
   *
   * @return how many records were sent
   */
  public long produceSteadily(String topic, int rate, Duration duration, boolean stuck) {
    long sent = 0;
    long interval = 1_000_000_000L / rate;
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      producer.send(record(topic, stuck ? STUCK_KEY : WARMUP_KEY));
      sent++;
      long start = System.nanoTime();
      long end = start + duration.toNanos();
      long next = start;
      while (next < end) {
        long wait = next - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        producer.send(record(topic, "k" + ThreadLocalRandom.current().nextInt(keys)));
        sent++;
        next += interval;
      }
      producer.flush();
    }
    return sent;
  }

  /** Nanoseconds since the record of {@code value} was sent. */
  public static long nanosSinceSent(byte[] value) {
    return System.nanoTime() - ByteBuffer.wrap(value).getLong();
  }

  private static ProducerRecord<byte[], byte[]> record(String topic, String key) {
    byte[] value = new byte[VALUE_BYTES];
    ByteBuffer.wrap(value).putLong(System.nanoTime());
    return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
  }

  private KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.LINGER_MS_CONFIG, "1",
            // A fresh single-node broker may answer NOT_LEADER just after a topic is created; an
            // idempotent producer can then get stuck on OutOfOrderSequence. Order per key is not
            // what this load measures, so plain retries are enough.
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false"),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }
}
