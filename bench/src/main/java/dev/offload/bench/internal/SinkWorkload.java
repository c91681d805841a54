package dev.offload.bench.internal;

import dev.offload.consumers.worker.Event;
import dev.offload.consumers.worker.EventHeaders;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.events.DocumentChanged;
import dev.offload.schemas.events.PageViewed;
import dev.offload.schemas.events.UserSignedUp;
import dev.offload.schemas.registry.InMemorySchemaRegistry;
import dev.offload.schemas.serde.AvroSerializer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The events of the handler benchmarks: page views over 50 paths, documents with a title and a
 * paragraph of text, signups with an address; each with a unique event id under {@code prefix}, so
 * runs never meet each other's dedup marks. Values are Avro in the Confluent wire format.
 */
public final class SinkWorkload {
  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>(registry);
  private final int keys;

  /** Events over {@code keys} distinct keys. */
  public SinkWorkload(int keys) {
    this.keys = keys;
  }

  /** The registry the values' schemas are registered in. */
  public InMemorySchemaRegistry registry() {
    return registry;
  }

  /** The {@code i}-th page view of run {@code prefix}. */
  public PageViewed view(int i) {
    return new PageViewed("user-" + (i % keys), "/page/" + (i % 50), null, 1_000L + i % 500);
  }

  /** The {@code i}-th document change of run {@code prefix}. */
  public DocumentChanged document(String prefix, int i) {
    return new DocumentChanged(
        prefix + "-doc-" + (i % keys),
        "Document " + i + " on stream processing",
        "Offload carries work from the request path to workers: emails, analytics and a search"
            + " index, durably and in order per key. Revision "
            + i
            + " of this text.",
        List.of("bench", "tag-" + (i % 7)),
        false);
  }

  /** The {@code i}-th signup of run {@code prefix}. */
  public UserSignedUp signup(String prefix, int i) {
    return new UserSignedUp(prefix + "-user-" + i, "user" + i + "@example.com", "User " + i, null);
  }

  /** Produces {@code count} records of {@code value(i)} to {@code topic}, acks=all. */
  public void produce(
      String bootstrap,
      String topic,
      String prefix,
      String type,
      int count,
      IntFunction<SpecificRecord> value) {
    // Not idempotent, one request in flight: a send retried after a leadership change on a topic
    // just created cannot leave the producer out of sequence, and cannot reorder.
    Map<String, Object> p =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            false,
            ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
            1,
            ProducerConfig.LINGER_MS_CONFIG,
            5,
            ProducerConfig.BATCH_SIZE_CONFIG,
            256 * 1024);
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (var producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      awaitLeaders(producer, topic);
      for (int i = 0; i < count; i++) {
        SpecificRecord v = value.apply(i);
        var record =
            new ProducerRecord<>(topic, utf8("key-" + (i % keys)), serializer.serialize(topic, v));
        record.headers().add(OffloadHeaders.EVENT_ID, utf8(prefix + "-" + i));
        record.headers().add(OffloadHeaders.EVENT_TYPE, utf8(type));
        record.headers().add(OffloadHeaders.OCCURRED_AT, utf8(Instant.now().toString()));
        producer.send(
            record,
            (metadata, error) -> {
              if (error != null) {
                failure.compareAndSet(null, error);
              }
            });
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("cannot fill " + topic + ": " + failure.get(), failure.get());
    }
  }

  // A topic just created has no leader for a moment; a send then fails and may leave the
  // idempotent producer out of sequence.
  private static void awaitLeaders(KafkaProducer<byte[], byte[]> producer, String topic) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (producer.partitionsFor(topic).stream().anyMatch(p -> p.leader() == null)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no leader for every partition of " + topic + " in 30 s");
      }
      LockSupport.parkNanos(50_000_000L);
    }
  }

  /** {@code count} events handed to a handler directly, as a worker would, for the baselines. */
  public <T> List<Event<T>> events(String prefix, int count, IntFunction<T> value) {
    List<Event<T>> events = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      RecordHeaders headers = new RecordHeaders();
      headers.add(OffloadHeaders.EVENT_ID, utf8(prefix + "-" + i));
      headers.add(OffloadHeaders.OCCURRED_AT, utf8(Instant.now().toString()));
      events.add(
          new Event<>(
              "key-" + (i % keys), value.apply(i), EventHeaders.from(headers, 1), "raw", 0, i));
    }
    return events;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
