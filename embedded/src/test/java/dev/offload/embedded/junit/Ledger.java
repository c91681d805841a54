package dev.offload.embedded.junit;

import dev.offload.schemas.OffloadHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The account a fault test keeps of the events it got acknowledged (each with its key and the order
 * it was acknowledged in), judged against what came out of a stage: which accepted events are
 * missing, which came out more than once, which came out of order for their key, and which came out
 * that were never accepted. Outputs are read to the end offsets of their topics (read committed),
 * never "until quiet", so a judgement is over everything the stage had written.
 */
public final class Ledger {
  /** One acknowledged event: its id, its key and its place in the order of acknowledgement. */
  public record Entry(String id, String key, long seq) {}

  /** One record that came out: its event id, key and where it was. */
  public record Output(String id, String key, String topic, int partition, long offset) {}

  /**
   * What a judgement found.
   *
   * @param accepted how many events were acknowledged
   * @param delivered how many output records were read
   * @param lost ids acknowledged and never delivered
   * @param duplicated ids delivered more than once, with how many times
   * @param outOfOrder ids first delivered after an id of the same key acknowledged later
   * @param unexpected ids delivered that were never acknowledged
   */
  public record Report(
      int accepted,
      int delivered,
      List<String> lost,
      Map<String, Integer> duplicated,
      List<String> outOfOrder,
      List<String> unexpected) {

    /** True when every accepted event came out once, in key order, and nothing else came out. */
    public boolean clean() {
      return lost.isEmpty() && duplicated.isEmpty() && outOfOrder.isEmpty() && unexpected.isEmpty();
    }

    @Override
    public String toString() {
      return "accepted %d, delivered %d: %d lost %s, %d duplicated %s, %d out of key order %s, %d never accepted %s"
          .formatted(
              accepted,
              delivered,
              lost.size(),
              first(lost),
              duplicated.size(),
              first(duplicated.keySet()),
              outOfOrder.size(),
              first(outOfOrder),
              unexpected.size(),
              first(unexpected));
    }

    private static List<String> first(Collection<String> ids) {
      return ids.stream().limit(5).toList();
    }
  }

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicLong order = new AtomicLong();

  /** Records that the event {@code id} with {@code key} was acknowledged, now. */
  public void accepted(String id, String key) {
    Entry entry = new Entry(id, key, order.getAndIncrement());
    if (entries.putIfAbsent(id, entry) != null) {
      throw new IllegalArgumentException("event " + id + " was already acknowledged once");
    }
  }

  /** The events acknowledged so far, in the order they were. */
  public List<Entry> entries() {
    return entries.values().stream().sorted((a, b) -> Long.compare(a.seq(), b.seq())).toList();
  }

  /** How many events were acknowledged so far. */
  public int size() {
    return entries.size();
  }

  /** Judges {@code outputs} (in their partitions' offset order) against what was acknowledged. */
  public Report judge(List<Output> outputs) {
    Map<String, Integer> times = new LinkedHashMap<>();
    List<String> unexpected = new ArrayList<>();
    Map<String, Long> lastSeqOfKey = new HashMap<>();
    List<String> outOfOrder = new ArrayList<>();
    List<Output> sorted = new ArrayList<>(outputs);
    sorted.sort(
        (a, b) ->
            a.topic().equals(b.topic())
                ? a.partition() != b.partition()
                    ? Integer.compare(a.partition(), b.partition())
                    : Long.compare(a.offset(), b.offset())
                : a.topic().compareTo(b.topic()));
    for (Output out : sorted) {
      int seen = times.merge(out.id(), 1, Integer::sum);
      Entry entry = entries.get(out.id());
      if (entry == null) {
        unexpected.add(out.id());
        continue;
      }
      if (seen > 1) {
        continue; // a duplicate, counted as one; the order is judged on first deliveries
      }
      String keyInTopic = out.topic() + "/" + entry.key();
      Long last = lastSeqOfKey.get(keyInTopic);
      if (last != null && entry.seq() < last) {
        outOfOrder.add(out.id());
      } else {
        lastSeqOfKey.put(keyInTopic, entry.seq());
      }
    }
    List<String> lost =
        entries.values().stream()
            .sorted((a, b) -> Long.compare(a.seq(), b.seq()))
            .map(Entry::id)
            .filter(id -> !times.containsKey(id))
            .toList();
    Map<String, Integer> duplicated =
        times.entrySet().stream()
            .filter(e -> e.getValue() > 1)
            .collect(
                Collectors.toMap(
                    Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
    return new Report(entries.size(), outputs.size(), lost, duplicated, outOfOrder, unexpected);
  }

  /**
   * Reads every committed record of {@code topics} from the beginning to the end offsets they have
   * once no transaction is open on them, with the event id from the {@link OffloadHeaders#EVENT_ID}
   * header. A read-committed reader stops at the first record of an open transaction (the last
   * stable offset), so reading while one is open, say one a killed producer left for the broker to
   * abort after its timeout, would miss records committed after it and report them lost.
   *
   * @throws IllegalStateException when a transaction stays open, or the end is not reached, within
   *     {@code timeout}
   */
  public static List<Output> readToEnd(
      String bootstrap, Collection<String> topics, Duration timeout) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "ledger-" + UUID.randomUUID());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<Output> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : topics) {
        consumer
            .partitionsFor(topic, timeout)
            .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + timeout.toNanos();
      Map<TopicPartition, Long> end = stableEnd(p, consumer, partitions, deadline, timeout);
      while (!reached(consumer, end)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "did not read " + topics + " to its end offsets " + end + " within " + timeout);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(
              new Output(
                  header(r, OffloadHeaders.EVENT_ID),
                  r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
                  r.topic(),
                  r.partition(),
                  r.offset()));
        }
      }
    }
    return out;
  }

  /**
   * The read-committed end offsets of {@code partitions} once they equal the read-uncommitted ones:
   * every transaction written to them so far has ended.
   */
  private static Map<TopicPartition, Long> stableEnd(
      Properties config,
      KafkaConsumer<byte[], byte[]> committed,
      List<TopicPartition> partitions,
      long deadline,
      Duration timeout) {
    Properties p = new Properties();
    p.putAll(config);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    try (KafkaConsumer<byte[], byte[]> uncommitted = new KafkaConsumer<>(p)) {
      while (true) {
        Map<TopicPartition, Long> stable = committed.endOffsets(partitions, timeout);
        Map<TopicPartition, Long> written = uncommitted.endOffsets(partitions, timeout);
        if (stable.equals(written)) {
          return stable;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "a transaction stayed open on "
                  + partitions
                  + " for "
                  + timeout
                  + ": last stable offsets "
                  + stable
                  + ", end offsets "
                  + written);
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted waiting for open transactions to end", e);
        }
      }
    }
  }

  private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether consumer group {@code group} has committed, on every partition of {@code topics}, the
   * end offset the partition has now: everything written so far has been consumed and committed.
   */
  public static boolean caughtUp(String bootstrap, String group, Collection<String> topics) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      Set<String> wanted = Set.copyOf(topics);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin
          .describeTopics(wanted)
          .allTopicNames()
          .get()
          .forEach(
              (name, description) ->
                  description
                      .partitions()
                      .forEach(
                          info ->
                              latest.put(
                                  new TopicPartition(name, info.partition()),
                                  OffsetSpec.latest())));
      var ends = admin.listOffsets(latest).all().get();
      for (var e : ends.entrySet()) {
        OffsetAndMetadata c = committed.get(e.getKey());
        long endOffset = e.getValue().offset();
        if (endOffset > 0 && (c == null || c.offset() < endOffset)) {
          return false;
        }
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      return false;
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
