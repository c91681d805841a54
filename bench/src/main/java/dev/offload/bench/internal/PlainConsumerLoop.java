package dev.offload.bench.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The baseline of the workers benchmark: the consumer loop most services start with — poll, handle
 * each record in turn (blocking for its I/O), {@code commitSync} — in {@code consumers} threads of
 * one group. The loops handle nothing until every member of the group holds its share of the
 * partitions (they poll with everything paused meanwhile), so the timed window never includes the
 * rebalances of members joining one by one.
 */
public final class PlainConsumerLoop {
  private PlainConsumerLoop() {}

  /**
   * Runs the loop for {@code window} from the first handled record, once all {@code consumers}
   * share the topic's {@code partitions}, and returns records per second.
   */
  public static double rate(
      String bootstrap, String topic, int partitions, int consumers, Duration io, Duration window)
      throws InterruptedException {
    String group = "bench-plain-" + consumers + "-" + UUID.randomUUID();
    Loop shared = new Loop(new AtomicIntegerArray(consumers));
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < consumers; i++) {
      int member = i;
      Thread t = new Thread(() -> loop(bootstrap, topic, group, io, member, shared), "plain-" + i);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    awaitGroupFormed(shared, partitions, threads);
    shared.go().set(true);
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (shared.firstAt().get() == 0) {
      if (System.nanoTime() > deadline) {
        shared.stop().set(true);
        throw new IllegalStateException(
            "the plain consumers of " + topic + " handled no record in 120 s");
      }
      Thread.sleep(5);
    }
    AtomicLong handled = shared.handled();
    AtomicLong firstAt = shared.firstAt();
    AtomicBoolean stop = shared.stop();
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

  /** State the loops share: per member its partition count, the start signal and the counts. */
  private record Loop(
      AtomicIntegerArray assigned,
      AtomicBoolean go,
      AtomicBoolean stop,
      AtomicLong handled,
      AtomicLong firstAt) {
    Loop(AtomicIntegerArray assigned) {
      this(assigned, new AtomicBoolean(), new AtomicBoolean(), new AtomicLong(), new AtomicLong());
    }
  }

  /** Waits until every member holds a partition and together they hold all of them. */
  private static void awaitGroupFormed(Loop shared, int partitions, List<Thread> threads)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (true) {
      int total = 0;
      boolean everyone = true;
      for (int i = 0; i < shared.assigned().length(); i++) {
        total += shared.assigned().get(i);
        everyone &= shared.assigned().get(i) > 0;
      }
      if (everyone && total == partitions) {
        return;
      }
      if (System.nanoTime() > deadline) {
        shared.stop().set(true);
        for (Thread t : threads) {
          t.join(30_000);
        }
        throw new IllegalStateException(
            "the plain consumers did not share the " + partitions + " partitions in 120 s");
      }
      Thread.sleep(20);
    }
  }

  private static void loop(
      String bootstrap, String topic, String group, Duration io, int member, Loop shared) {
    AtomicLong handled = shared.handled();
    AtomicLong firstAt = shared.firstAt();
    AtomicBoolean stop = shared.stop();
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
      consumer.subscribe(
          List.of(topic),
          new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
              if (!shared.go().get()) {
                // paused before the poll that assigns them fetches anything
                consumer.pause(partitions);
              }
            }
          });
      while (!shared.go().get() && !stop.get()) {
        // Stays in the group, fetching nothing, until every member holds its share. Records a poll
        // returns all the same are not lost: the partition goes back to the first of them (with a
        // few hundred records per partition one fetch took them all, and the timed loop then
        // waited for records that had already gone by).
        consumer.pause(consumer.assignment());
        ConsumerRecords<byte[], byte[]> early = consumer.poll(Duration.ofMillis(50));
        for (TopicPartition partition : early.partitions()) {
          consumer.seek(partition, early.records(partition).get(0).offset());
        }
        consumer.pause(consumer.assignment());
        shared.assigned().set(member, consumer.assignment().size());
      }
      consumer.resume(consumer.paused());
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
