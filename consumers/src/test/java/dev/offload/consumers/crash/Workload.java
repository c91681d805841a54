package dev.offload.consumers.crash;

import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import dev.offload.consumers.handlers.analytics.PageAnalytics;
import dev.offload.consumers.handlers.analytics.PageCount;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.events.DocumentChanged;
import dev.offload.schemas.events.PageViewed;
import dev.offload.schemas.events.UserSignedUp;
import dev.offload.schemas.registry.SchemaRegistry;
import dev.offload.schemas.serde.AvroSerializer;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The events of the crash and rebalance tests and what their effects must be: signups (one mail
 * each), document changes (the last version of each document indexed) and page views (one count
 * each, a few delivered twice with the same event id).
 */
final class Workload {
  static final int PARTITIONS = 4;
  static final List<String> PATHS = List.of("/", "/pricing", "/docs", "/blog");

  final int signups;
  final int documents;
  final int updates;
  final int views;
  final int duplicateViews;
  final Set<String> signupIds = new HashSet<>();
  final Map<String, Long> viewsPerPath = new HashMap<>();
  private final List<String> topics;

  /** Events for the email, index and analytics topics, in that order. */
  Workload(List<String> topics, int signups, int documents, int updates, int views) {
    this.topics = topics;
    this.signups = signups;
    this.documents = documents;
    this.updates = updates;
    this.views = views;
    this.duplicateViews = views / 10;
  }

  void createTopics(String bootstrap) throws Exception {
    try (Admin admin = admin(bootstrap)) {
      List<NewTopic> all = new ArrayList<>();
      for (String t : topics) {
        all.add(new NewTopic(t, java.util.Optional.of(PARTITIONS), java.util.Optional.empty()));
      }
      admin.createTopics(all).all().get();
    }
  }

  void produce(String bootstrap, SchemaRegistry registry) throws Exception {
    AvroSerializer<SpecificRecord> avro = new AvroSerializer<>(registry);
    Map<String, Object> p =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.LINGER_MS_CONFIG, "5");
    try (var producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < signups; i++) {
        String id = UUID.randomUUID().toString();
        signupIds.add(id);
        var value = new UserSignedUp("u" + i, "user" + i + "@example.com", "User " + i, null);
        producer.send(record(avro, topics.get(0), "u" + i, value, id, "user-signed-up"));
      }
      for (int i = 0; i < documents + updates; i++) {
        int doc = i % documents;
        String title = i < documents ? "Draft " + doc : "Final " + doc;
        var value =
            new DocumentChanged("doc-" + doc, title, "Body of document " + doc, List.of(), false);
        producer.send(
            record(
                avro,
                topics.get(1),
                "doc-" + doc,
                value,
                UUID.randomUUID().toString(),
                "document-changed"));
      }
      List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>();
      for (int i = 0; i < views; i++) {
        String path = PATHS.get(i % PATHS.size());
        viewsPerPath.merge(path, 1L, Long::sum);
        var value = new PageViewed("u" + (i % 50), path, null, 100L);
        var record =
            record(
                avro,
                topics.get(2),
                "u" + (i % 50),
                value,
                UUID.randomUUID().toString(),
                "page-viewed");
        sent.add(record);
        producer.send(record);
      }
      for (int i = 0; i < duplicateViews; i++) {
        producer.send(sent.get(i * 7 % sent.size())); // redelivered by a producer retry, say
      }
      producer.flush();
    }
  }

  private static ProducerRecord<byte[], byte[]> record(
      AvroSerializer<SpecificRecord> avro,
      String topic,
      String key,
      SpecificRecord value,
      String eventId,
      String type) {
    var record =
        new ProducerRecord<>(
            topic, key.getBytes(StandardCharsets.UTF_8), avro.serialize(topic, value));
    record.headers().add(OffloadHeaders.EVENT_ID, utf8(eventId));
    record.headers().add(OffloadHeaders.EVENT_TYPE, utf8(type));
    record.headers().add(OffloadHeaders.OCCURRED_AT, utf8(Instant.now().toString()));
    return record;
  }

  /** Event ids of the received mails, one entry per mail (duplicates repeat). */
  static List<String> mailedIds(GreenMail smtp) throws Exception {
    List<String> ids = new ArrayList<>();
    for (MimeMessage m : smtp.getReceivedMessages()) {
      String id = m.getMessageID();
      ids.add(id.substring(1, id.indexOf('@')));
    }
    return ids;
  }

  /** Page views counted so far, per path. */
  static Map<String, Long> counted(PageAnalytics analytics) throws Exception {
    Map<String, Long> counts = new HashMap<>();
    Instant now = Instant.now();
    for (PageCount c : analytics.counts(now.minus(Duration.ofHours(1)), now.plusSeconds(60))) {
      counts.merge(c.path(), c.views(), Long::sum);
    }
    return counts;
  }

  /** Whether {@code group} committed the end offset of every partition of {@code topic}. */
  static boolean caughtUp(String bootstrap, String group, String topic) throws Exception {
    try (Admin admin = admin(bootstrap)) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < PARTITIONS; p++) {
        latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      for (var end : admin.listOffsets(latest).all().get().entrySet()) {
        OffsetAndMetadata c = committed.get(end.getKey());
        if (c == null ? end.getValue().offset() > 0 : c.offset() < end.getValue().offset()) {
          return false;
        }
      }
      return true;
    }
  }

  /** Waits until {@code group} has committed everything on {@code topic}. */
  static void awaitCaughtUp(String bootstrap, String group, String topic) {
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> caughtUp(bootstrap, group, topic));
  }

  private static Admin admin(String bootstrap) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
