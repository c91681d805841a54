package dev.offload.bench.internal;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Counts the records of a topic from its beginning. */
public final class TopicCounter {
  private TopicCounter() {}

  /**
   * Reads {@code topic} from the beginning until {@code expected} records are counted or {@code
   * timeout} passes.
   *
   * @return the records counted and the {@link System#nanoTime()} when the last one was read
   */
  public static Count await(String bootstrap, String topic, long expected, Duration timeout) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    try (var consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      long deadline = System.nanoTime() + timeout.toNanos();
      List<TopicPartition> partitions = List.of();
      while (partitions.isEmpty() && System.nanoTime() < deadline) {
        partitions =
            consumer.partitionsFor(topic).stream()
                .map(i -> new TopicPartition(topic, i.partition()))
                .toList();
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long counted = 0;
      long lastAt = System.nanoTime();
      while (counted < expected && System.nanoTime() < deadline) {
        int n = consumer.poll(Duration.ofMillis(100)).count();
        if (n > 0) {
          counted += n;
          lastAt = System.nanoTime();
        }
      }
      return new Count(counted, lastAt);
    }
  }

  /** What {@link #await} counted. */
  public record Count(long records, long lastReadNanoTime) {}
}
