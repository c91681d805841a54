package dev.offload.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.offload.schemas.OffloadHeaders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Helpers for the integration tests: topics, paced event load, HTTP queries, topic reads. */
public final class ItSupport {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ItSupport() {}

  /** Creates {@code topics} with {@code partitions} partitions each. */
  public static void createTopics(String bootstrap, Collection<String> topics, int partitions) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(topics.stream().map(t -> new NewTopic(t, partitions, (short) 1)).toList())
          .all()
          .get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot create topics " + topics, e);
    }
  }

  /** An idempotent producer of byte values with string keys. */
  public static KafkaProducer<String, byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  /** An event record with id, type and producer headers ({@code null} leaves one out). */
  public static ProducerRecord<String, byte[]> event(
      String topic, String key, String id, String type, String producer) {
    ProducerRecord<String, byte[]> r =
        new ProducerRecord<>(topic, key, "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
    if (id != null) {
      r.headers().add(OffloadHeaders.EVENT_ID, id.getBytes(StandardCharsets.UTF_8));
    }
    if (type != null) {
      r.headers().add(OffloadHeaders.EVENT_TYPE, type.getBytes(StandardCharsets.UTF_8));
    }
    if (producer != null) {
      r.headers().add(OffloadHeaders.PRODUCER, producer.getBytes(StandardCharsets.UTF_8));
    }
    return r;
  }

  /** GET {@code path} on 127.0.0.1:{@code port}; the status and parsed JSON body. */
  public static HttpResponse<String> get(int port, String path) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .timeout(Duration.ofSeconds(20))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Parses JSON. */
  public static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads committed records of {@code topic} from the start until {@code expected} arrived. */
  public static List<ConsumerRecord<byte[], byte[]>> readCommitted(
      String bootstrap, String topic, int expected, Duration timeout) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (out.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      // One more short poll so an unexpected extra record would show up.
      consumer.poll(Duration.ofMillis(500)).forEach(out::add);
    }
    return out;
  }

  /**
   * Sends events round-robin over {@code topics} (type = topic suffix after {@code
   * offload.events.}) in batches at a fixed rate until stopped; counts what was acknowledged.
   */
  public static final class EventLoad implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final List<String> topics;
    private final List<String> producers;
    private final ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "it-event-load"));
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    /** Starts sending {@code perTick} events every {@code tick}. */
    public EventLoad(
        String bootstrap, List<String> topics, List<String> producers, int perTick, Duration tick) {
      this.producer = producer(bootstrap);
      this.topics = topics;
      this.producers = producers;
      scheduler.scheduleAtFixedRate(
          () -> sendBatch(perTick), 0, tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void sendBatch(int n) {
      for (int i = 0; i < n; i++) {
        long seq = sent.getAndIncrement();
        String topic = topics.get((int) (seq % topics.size()));
        String type = topic.substring("offload.events.".length());
        String from = producers.get((int) (seq % producers.size()));
        producer.send(
            event(topic, "key-" + (seq % 97), UUID.randomUUID().toString(), type, from),
            (md, e) -> (e == null ? acked : failed).incrementAndGet());
      }
    }

    /** Events handed to the producer so far. */
    public long sent() {
      return sent.get();
    }

    /** Stops sending and waits for every send to be acknowledged; returns how many were. */
    public long stop() {
      scheduler.shutdown();
      try {
        if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("event load did not stop");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      producer.flush();
      if (failed.get() > 0) {
        throw new IllegalStateException(failed.get() + " events were not acknowledged");
      }
      return acked.get();
    }

    @Override
    public void close() {
      scheduler.shutdownNow();
      producer.close(Duration.ofSeconds(10));
    }
  }
}
