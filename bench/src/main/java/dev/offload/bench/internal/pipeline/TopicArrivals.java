package dev.offload.bench.internal.pipeline;

import dev.offload.schemas.HeaderValues;
import dev.offload.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the events topics and the work topics from their current ends, without a consumer group,
 * and records when each event (by its {@code offload-event-id} header) first arrived on each. Reads
 * committed records only: the router writes the work topics in transactions, and a worker sees a
 * routed record only once its transaction committed.
 */
public final class TopicArrivals implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Traces traces;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile RuntimeException failure;

  /** Starts reading {@code eventTopics} and {@code workTopics} at their ends. */
  public TopicArrivals(
      String bootstrap, List<String> eventTopics, List<String> workTopics, Traces traces) {
    this.traces = traces;
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20");
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = new ArrayList<>();
    List<String> topics = new ArrayList<>(eventTopics);
    topics.addAll(workTopics);
    for (String topic : topics) {
      consumer
          .partitionsFor(topic)
          .forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
    thread = new Thread(this::run, "bench-pipeline-arrivals");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      while (running) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          long now = System.nanoTime();
          String eventId = HeaderValues.eventId(r.headers());
          if (eventId == null) {
            continue;
          }
          if (r.topic().startsWith(Topics.EVENTS_PREFIX)) {
            traces.onEvents(eventId, now);
          } else {
            traces.onWork(eventId, now);
          }
        }
      }
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      consumer.close();
    }
  }

  /** Throws what stopped the reader, if anything did. */
  public void requireRunning() {
    if (failure != null) {
      throw new IllegalStateException("reading the topics failed: " + failure, failure);
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(10_000);
  }
}
