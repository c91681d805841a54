package dev.offload.bench.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The baseline of the workers benchmark: the consumer loop most services start with — poll, handle
 * each record in turn (blocking for its I/O), {@code commitSync} — in {@code consumers} threads of
 * one group.
 */
public final class PlainConsumerLoop {
  private PlainConsumerLoop() {}

  /**
   * Runs the loop for {@code window} from the first handled record and returns records per second.
   */
  public static double rate(
      String bootstrap, String topic, int consumers, Duration io, Duration window)
      throws InterruptedException {
    String group = "bench-plain-" + consumers + "-" + UUID.randomUUID();
    AtomicLong handled = new AtomicLong();
    AtomicLong firstAt = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < consumers; i++) {
      Thread t =
          new Thread(() -> loop(bootstrap, topic, group, io, handled, firstAt, stop), "plain-" + i);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    while (firstAt.get() == 0) {
      Thread.sleep(5);
    }
    long start = firstAt.get();
    Thread.sleep(window.toMillis());
    long count = handled.get();
    long elapsed = System.nanoTime() - start;
    stop.set(true);
    for (Thread t : threads) {
      t.join(30_000);
    }
    return count * 1e9 / elapsed;
  }

  private static void loop(
      String bootstrap,
      String topic,
      String group,
      Duration io,
      AtomicLong handled,
      AtomicLong firstAt,
      AtomicBoolean stop) {
    Map<String, Object> p =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG,
            group,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            "false");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      while (!stop.get()) {
        var records = consumer.poll(Duration.ofMillis(100));
        for (ConsumerRecord<byte[], byte[]> record : records) {
          if (stop.get()) {
            return;
          }
          Thread.sleep(io.toMillis()); // the handler's blocking I/O
          firstAt.compareAndSet(0, System.nanoTime());
          handled.incrementAndGet();
        }
        if (!records.isEmpty()) {
          consumer.commitSync();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
