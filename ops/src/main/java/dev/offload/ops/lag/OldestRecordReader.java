package dev.offload.ops.lag;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the timestamp of the record at a committed offset — the oldest record the group has not
 * consumed — with its own consumer (assign, seek, one fetch; never a group member). Timestamps are
 * cached: the record at an offset never changes, so a stalled group costs one read.
 */
final class OldestRecordReader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OldestRecordReader.class);
  private static final int CACHE_SIZE = 10_000;
  private static final Duration POLL = Duration.ofMillis(100);

  /** A record position. */
  record Position(TopicPartition partition, long offset) {}

  private final Properties properties;
  private final Duration timeout;
  private final Map<Position, Instant> cache =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Position, Instant> eldest) {
          return size() > CACHE_SIZE;
        }
      };
  private KafkaConsumer<byte[], byte[]> consumer;

  OldestRecordReader(Properties properties, Duration timeout) {
    this.properties = properties;
    this.timeout = timeout;
  }

  /**
   * The timestamp of the first record at or after each position; positions that could not be read
   * within the timeout (or have no record or timestamp) are missing from the result.
   */
  Map<Position, Instant> timestamps(Collection<Position> wanted) {
    Map<Position, Instant> found = new HashMap<>();
    List<Position> remaining = new ArrayList<>();
    for (Position p : new HashSet<>(wanted)) {
      Instant cached = cache.get(p);
      if (cached != null) {
        found.put(p, cached);
      } else {
        remaining.add(p);
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    // Interrupted when the monitor stops: give up at once rather than at the deadline.
    while (!remaining.isEmpty()
        && System.nanoTime() - deadline < 0
        && !Thread.currentThread().isInterrupted()) {
      List<Position> round = oneOffsetPerPartition(remaining);
      remaining.removeAll(round);
      readRound(round, deadline, found);
    }
    return found;
  }

  // A consumer has one position per partition: groups at different offsets of it take turns.
  private static List<Position> oneOffsetPerPartition(List<Position> positions) {
    Set<TopicPartition> taken = new HashSet<>();
    return positions.stream().filter(p -> taken.add(p.partition())).toList();
  }

  private void readRound(List<Position> round, long deadline, Map<Position, Instant> found) {
    KafkaConsumer<byte[], byte[]> c = consumer();
    Map<TopicPartition, Position> byPartition = new HashMap<>();
    round.forEach(p -> byPartition.put(p.partition(), p));
    try {
      c.assign(byPartition.keySet());
      byPartition.values().forEach(p -> c.seek(p.partition(), p.offset()));
      while (!byPartition.isEmpty()
          && System.nanoTime() - deadline < 0
          && !Thread.currentThread().isInterrupted()) {
        ConsumerRecords<byte[], byte[]> records = c.poll(POLL);
        for (TopicPartition tp : records.partitions()) {
          Position p = byPartition.remove(tp);
          ConsumerRecord<byte[], byte[]> first = records.records(tp).get(0);
          c.pause(List.of(tp));
          if (p != null && first.timestamp() >= 0) {
            Instant at = Instant.ofEpochMilli(first.timestamp());
            found.put(p, at);
            cache.put(p, at);
          }
        }
      }
    } catch (KafkaException e) {
      log.debug("Exact lag read of {} failed; falling back to interpolation", round, e);
    } finally {
      c.unsubscribe(); // drops the manual assignment and its paused state
    }
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    if (consumer == null) {
      consumer = new KafkaConsumer<>(properties);
    }
    return consumer;
  }

  @Override
  public void close() {
    if (consumer != null) {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }
}
