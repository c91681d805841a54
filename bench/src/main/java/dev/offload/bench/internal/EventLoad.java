package dev.offload.bench.internal;

import dev.offload.schemas.BuiltInEventType;
import dev.offload.schemas.BuiltInEventTypes;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.events.DocumentChanged;
import dev.offload.schemas.events.PageViewed;
import dev.offload.schemas.events.PasswordResetRequested;
import dev.offload.schemas.events.UserSignedUp;
import dev.offload.schemas.registry.InMemorySchemaRegistry;
import dev.offload.schemas.serde.AvroSerializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Preloads realistic events: the built-in event types in turn, Avro values in the Confluent wire
 * format (Offload's serializer and an in-memory registry), keyed by aggregate id, with the full
 * Offload header set (event id, type, time, producer, trace context).
 */
public final class EventLoad {
  private static final List<String> PRODUCERS = List.of("shop", "blog", "crm");
  private static final String BODY =
      "Offload carries the work that must not slow the request path. ".repeat(8);

  private EventLoad() {}

  /**
   * Creates a topic per type ({@code topicOf}), {@code partitions} each, and writes {@code events}
   * events over {@code types} in turn and {@code keys} keys.
   *
   * @return the log end offset of every partition written to
   */
  public static Map<TopicPartition, Long> preload(
      String bootstrap,
      List<BuiltInEventType<?>> types,
      Function<String, String> topicOf,
      int partitions,
      int events,
      int keys,
      Progress progress) {
    createTopics(bootstrap, types.stream().map(t -> topicOf.apply(t.type())).toList(), partitions);
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
    // Not idempotent: on a loaded machine a fresh idempotent producer writing to just-created
    // partitions was seen retrying OUT_OF_ORDER_SEQUENCE_NUMBER forever. One request in flight
    // keeps the order without it.
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    AvroSerializer<SpecificRecord> avro = new AvroSerializer<>(new InMemorySchemaRegistry());
    AtomicReference<Exception> failed = new AtomicReference<>();
    try (var producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < events; i++) {
        BuiltInEventType<?> type = types.get(i % types.size());
        String topic = topicOf.apply(type.type());
        String key = "user-" + (i % keys);
        ProducerRecord<String, byte[]> record =
            new ProducerRecord<>(topic, key, avro.serialize(topic, event(type, key, i)));
        addHeaders(record, type.type(), i);
        producer.send(record, (m, e) -> failed.compareAndSet(null, e));
        progress.update(i + 1L);
      }
      producer.flush();
    }
    if (failed.get() != null) {
      throw new IllegalStateException("preloading events failed: " + failed.get(), failed.get());
    }
    progress.finish(events);
    return endOffsets(bootstrap, types.stream().map(t -> topicOf.apply(t.type())).toList());
  }

  private static SpecificRecord event(BuiltInEventType<?> type, String key, int i) {
    if (type == BuiltInEventTypes.USER_SIGNED_UP) {
      return new UserSignedUp(key, key + "@example.com", "User " + i, i % 3 == 0 ? "en-GB" : null);
    }
    if (type == BuiltInEventTypes.PASSWORD_RESET_REQUESTED) {
      return new PasswordResetRequested(
          key,
          key + "@example.com",
          "https://example.com/reset/" + UUID.randomUUID(),
          Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS));
    }
    if (type == BuiltInEventTypes.DOCUMENT_CHANGED) {
      return new DocumentChanged(
          "doc-" + i, "Document " + i, BODY, List.of("guide", "kafka"), i % 50 == 0);
    }
    return new PageViewed(
        key,
        "/docs/page-" + (i % 200),
        i % 2 == 0 ? "https://example.com/" : null,
        (long) ThreadLocalRandom.current().nextInt(100, 60_000));
  }

  private static void addHeaders(ProducerRecord<String, byte[]> record, String type, int i) {
    String trace =
        "00-"
            + UUID.randomUUID().toString().replace("-", "")
            + "-"
            + String.format("%016x", i + 1L)
            + "-01";
    record.headers().add(OffloadHeaders.EVENT_ID, utf8(UUID.randomUUID().toString()));
    record.headers().add(OffloadHeaders.EVENT_TYPE, utf8(type));
    record.headers().add(OffloadHeaders.OCCURRED_AT, utf8(Instant.now().toString()));
    record.headers().add(OffloadHeaders.PRODUCER, utf8(PRODUCERS.get(i % PRODUCERS.size())));
    record.headers().add(OffloadHeaders.TRACEPARENT, utf8(trace));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Creates {@code topics} with {@code partitions} partitions each and one replica, and waits until
   * every partition has a leader that answers, so no client's first write meets a missing leader.
   */
  public static void createTopics(String bootstrap, List<String> topics, int partitions) {
    try (Admin admin = admin(bootstrap)) {
      admin
          .createTopics(topics.stream().map(t -> new NewTopic(t, partitions, (short) 1)).toList())
          .all()
          .get();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (String topic : topics) {
        for (int i = 0; i < partitions; i++) {
          latest.put(new TopicPartition(topic, i), OffsetSpec.latest());
        }
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (true) {
        try {
          admin.listOffsets(latest).all().get();
          return;
        } catch (ExecutionException notYet) {
          if (System.nanoTime() > deadline) {
            throw notYet;
          }
          LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating " + topics, e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create topics " + topics + ": " + e.getMessage(), e);
    }
  }

  /** The log end offset of every partition of {@code topics}. */
  public static Map<TopicPartition, Long> endOffsets(String bootstrap, List<String> topics) {
    try (Admin admin = admin(bootstrap)) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin
          .describeTopics(topics)
          .allTopicNames()
          .get()
          .forEach(
              (name, d) ->
                  d.partitions()
                      .forEach(
                          i ->
                              latest.put(
                                  new TopicPartition(name, i.partition()), OffsetSpec.latest())));
      Map<TopicPartition, Long> ends = new HashMap<>();
      admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
      return ends;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading end offsets", e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot read end offsets of " + topics + ": " + e, e);
    }
  }

  static Admin admin(String bootstrap) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }
}
