package dev.offload.ops.dashboard.internal;

import dev.offload.ops.dashboard.internal.DeadLetters.DeadLetter;
import dev.offload.ops.dashboard.internal.DeadLetters.TopicCount;
import dev.offload.schemas.DeadLetterHeaders;
import dev.offload.schemas.HeaderValues;
import dev.offload.schemas.Topics;
import dev.offload.schemas.kafka.KafkaClientSecurity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the dead-letter topics ({@code offload.dlq.*}, but not the {@code .redriven} audit topics;
 * with a set of groups, only {@code offload.dlq.<group>} of those groups): their sizes from the
 * admin client, and the headers of their newest records with a consumer that joins no group and
 * commits nothing. A topic's records are fetched again only when its log end moved. Values are
 * fetched with the records (Kafka has no header-only fetch) but never decoded.
 */
public final class DeadLetterReader implements AutoCloseable {
  private final Admin admin;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Set<String> watched;
  private final int newest;
  private final Duration timeout;
  private final Clock clock;
  private final Map<String, Long> readUpTo = new HashMap<>();
  private final Map<String, List<DeadLetter>> newestByTopic = new HashMap<>();

  /**
   * A reader of {@code bootstrapServers} keeping the {@code newest} dead letters of the dead-letter
   * topics of {@code groups} (empty: of every group).
   */
  public DeadLetterReader(
      String bootstrapServers, Set<String> groups, int newest, Duration timeout, Clock clock) {
    this(bootstrapServers, groups, newest, timeout, clock, KafkaClientSecurity.none());
  }

  /** As above, with clients that authenticate and encrypt as {@code security} says. */
  public DeadLetterReader(
      String bootstrapServers,
      Set<String> groups,
      int newest,
      Duration timeout,
      Clock clock,
      KafkaClientSecurity security) {
    Properties a = new Properties();
    a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    a.put(AdminClientConfig.CLIENT_ID_CONFIG, "offload-ops-dead-letters");
    a.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    a.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    this.admin = Admin.create(security.applyTo(a));
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, "offload-ops-dead-letters");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
    this.consumer =
        new KafkaConsumer<>(
            security.applyTo(c), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.watched = groups.stream().map(Topics::deadLetters).collect(Collectors.toSet());
    this.newest = newest;
    this.timeout = timeout;
    this.clock = clock;
  }

  /**
   * Reads the topics' sizes and, where they grew, their newest dead letters.
   *
   * @throws IllegalStateException when the topics or their offsets cannot be read
   */
  public synchronized DeadLetters read() throws InterruptedException {
    Instant now = clock.instant();
    try {
      Map<String, List<TopicPartition>> partitions = partitions(topics());
      List<TopicPartition> all = partitions.values().stream().flatMap(List::stream).toList();
      Map<TopicPartition, Long> start = offsets(all, OffsetSpec.earliest());
      Map<TopicPartition, Long> end = offsets(all, OffsetSpec.latest());
      List<TopicCount> counts = new ArrayList<>();
      for (Map.Entry<String, List<TopicPartition>> topic : partitions.entrySet()) {
        long retained = 0;
        long total = 0;
        for (TopicPartition tp : topic.getValue()) {
          retained += end.get(tp) - start.get(tp);
          total += end.get(tp);
        }
        counts.add(new TopicCount(topic.getKey(), retained, total));
        if (!Long.valueOf(total).equals(readUpTo.get(topic.getKey()))) {
          newestByTopic.put(topic.getKey(), readNewest(topic.getValue(), start, end));
          readUpTo.put(topic.getKey(), total);
        }
      }
      readUpTo.keySet().retainAll(partitions.keySet());
      newestByTopic.keySet().retainAll(partitions.keySet());
      List<DeadLetter> latest =
          newestByTopic.values().stream()
              .flatMap(List::stream)
              .sorted(newestFirst())
              .limit(newest)
              .toList();
      return new DeadLetters(now, counts, latest, null);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException("cannot read the dead-letter topics: " + cause, e);
    }
  }

  private Set<String> topics() throws InterruptedException, ExecutionException, TimeoutException {
    return get(admin.listTopics().names()).stream()
        .filter(Topics::isDeadLetters)
        .filter(t -> watched.isEmpty() || watched.contains(t))
        .collect(Collectors.toSet());
  }

  private Map<String, List<TopicPartition>> partitions(Set<String> topics)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<String, List<TopicPartition>> out = new TreeMap<>();
    if (topics.isEmpty()) {
      return out;
    }
    Map<String, TopicDescription> described = get(admin.describeTopics(topics).allTopicNames());
    described.forEach(
        (topic, d) ->
            out.put(
                topic,
                d.partitions().stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList()));
    return out;
  }

  private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
    partitions.forEach(tp -> specs.put(tp, spec));
    Map<TopicPartition, Long> out = new HashMap<>();
    if (!specs.isEmpty()) {
      get(admin.listOffsets(specs).all()).forEach((tp, info) -> out.put(tp, info.offset()));
    }
    return out;
  }

  /** The newest records of each partition, at most {@link #newest} each, newest first. */
  private List<DeadLetter> readNewest(
      List<TopicPartition> partitions,
      Map<TopicPartition, Long> start,
      Map<TopicPartition, Long> end) {
    List<TopicPartition> wanted =
        partitions.stream().filter(tp -> end.get(tp) > start.get(tp)).toList();
    List<DeadLetter> found = new ArrayList<>();
    if (wanted.isEmpty()) {
      return found;
    }
    consumer.assign(wanted);
    wanted.forEach(tp -> consumer.seek(tp, Math.max(start.get(tp), end.get(tp) - newest)));
    long deadline = System.nanoTime() + timeout.toNanos();
    List<TopicPartition> remaining = new ArrayList<>(wanted);
    while (!remaining.isEmpty() && System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
          found.add(deadLetter(r));
        }
      }
      remaining.removeIf(tp -> consumer.position(tp) >= end.get(tp));
    }
    consumer.unsubscribe();
    return found.stream().sorted(newestFirst()).limit(newest).toList();
  }

  private static DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> r) {
    return new DeadLetter(
        r.topic(),
        r.partition(),
        r.offset(),
        Instant.ofEpochMilli(r.timestamp()),
        HeaderValues.text(r.headers(), DeadLetterHeaders.EXCEPTION_CLASS),
        HeaderValues.text(r.headers(), DeadLetterHeaders.ORIGINAL_TOPIC),
        HeaderValues.text(r.headers(), DeadLetterHeaders.FAILED_AT),
        HeaderValues.text(r.headers(), DeadLetterHeaders.GROUP),
        HeaderValues.text(r.headers(), DeadLetterHeaders.REASON));
  }

  private static Comparator<DeadLetter> newestFirst() {
    return Comparator.comparing(DeadLetter::timestamp).thenComparing(DeadLetter::offset).reversed();
  }

  private <T> T get(KafkaFuture<T> future)
      throws InterruptedException, ExecutionException, TimeoutException {
    return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Closes the admin client and the consumer. */
  @Override
  public synchronized void close() {
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    admin.close(Duration.ofSeconds(5));
  }
}
