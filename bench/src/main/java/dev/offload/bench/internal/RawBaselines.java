package dev.offload.bench.internal;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The raw operations Offload's figures are compared with: INSERT + commit, produce, consume. */
public final class RawBaselines {
  private RawBaselines() {}

  /**
   * Single-row INSERT transactions over JDBC, {@code concurrency} connections at once.
   *
   * @return elapsed nanoseconds
   */
  public static long insert(
      String jdbcUrl,
      String user,
      int events,
      int concurrency,
      String payload,
      Latencies latencies,
      Progress progress)
      throws Exception {
    try (Connection c = DriverManager.getConnection(jdbcUrl, user, "")) {
      c.createStatement()
          .execute("CREATE TABLE IF NOT EXISTS bench_raw (id uuid PRIMARY KEY, payload jsonb)");
    }
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    AtomicLong done = new AtomicLong();
    long start = System.nanoTime();
    List<Future<Void>> workers = new ArrayList<>();
    for (int w = 0; w < concurrency; w++) {
      int share = events / concurrency + (w < events % concurrency ? 1 : 0);
      workers.add(
          pool.submit(
              () -> {
                insertRows(jdbcUrl, user, share, payload, latencies, done, progress);
                return null;
              }));
    }
    for (Future<Void> f : workers) {
      f.get();
    }
    long elapsed = System.nanoTime() - start;
    pool.shutdown();
    progress.finish(done.get());
    return elapsed;
  }

  private static void insertRows(
      String jdbcUrl,
      String user,
      int rows,
      String payload,
      Latencies latencies,
      AtomicLong done,
      Progress progress)
      throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl, user, "");
        PreparedStatement insert =
            c.prepareStatement("INSERT INTO bench_raw (id, payload) VALUES (?, ?::jsonb)")) {
      for (int i = 0; i < rows; i++) {
        long t = System.nanoTime();
        insert.setObject(1, UUID.randomUUID());
        insert.setString(2, payload);
        insert.executeUpdate();
        latencies.recordNanos(System.nanoTime() - t);
        progress.update(done.incrementAndGet());
      }
    }
  }

  /**
   * Produces {@code events} records (acks=all, idempotent) as fast as the producer takes them.
   *
   * @return elapsed nanoseconds until the last one is acknowledged
   */
  public static long produce(
      String bootstrap,
      String topic,
      int events,
      int keys,
      String payload,
      Latencies sendToAck,
      Progress progress) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    byte[] value = payload.getBytes(StandardCharsets.UTF_8);
    AtomicLong done = new AtomicLong();
    long start = System.nanoTime();
    try (var producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < events; i++) {
        long sent = System.nanoTime();
        producer.send(
            new ProducerRecord<>(topic, "key-" + (i % keys), value),
            (metadata, e) -> {
              if (e == null) {
                sendToAck.recordNanos(System.nanoTime() - sent);
              }
              progress.update(done.incrementAndGet());
            });
      }
      producer.flush();
    }
    long elapsed = System.nanoTime() - start;
    progress.finish(done.get());
    return elapsed;
  }

  /**
   * Reads {@code events} records of {@code topic} from the beginning with a plain consumer.
   *
   * @return elapsed nanoseconds
   */
  public static long consume(String bootstrap, String topic, long events, Progress progress) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    try (var consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long start = System.nanoTime();
      long read = 0;
      long deadline = start + Duration.ofMinutes(5).toNanos();
      while (read < events && System.nanoTime() < deadline) {
        read += consumer.poll(Duration.ofMillis(100)).count();
        progress.update(read);
      }
      long elapsed = System.nanoTime() - start;
      progress.finish(read);
      return elapsed;
    }
  }
}
